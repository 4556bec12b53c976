package dev.bollard.controller.source;

import dev.bollard.controller.translate.Problem;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads the Kubernetes objects of every {@code *.yaml} / {@code *.yml} file under a directory.
 *
 * <p>Files are read recursively in sorted path order; each may hold several documents separated by
 * {@code ---}, and a {@code kind: List} is flattened. Hidden files and directories (names starting
 * with {@code .}, like editors' swap files and the {@code ..data} links of a mounted ConfigMap) are
 * skipped. Documents become objects through fabric8's {@link KubernetesSerialization}, exactly as
 * {@code kubectl apply -f} input would; kinds fabric8 has no model for are ignored.
 *
 * <p>Bad input never stops the load: a YAML syntax error is reported with file, line and column
 * and ends that file (the documents before it still count); a document that is valid YAML but not
 * a valid object is reported with the line it starts on, and the next document is read.
 *
 * <p>A file that was read cleanly once and is broken now (a typo saved in the middle of an edit)
 * keeps contributing its last clean content, so a half-edited file never takes its routes down;
 * its problems are still reported. An instance remembers that content and is meant for one thread
 * (the rebuild thread); {@code bollard check} uses a fresh one and sees exactly what is on disk.
 */
public final class ManifestDirectory {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  static final String KEEPING_LAST_CLEAN = " (still serving this file's last readable version)";

  private final Path dir;
  private final Map<Path, List<HasMetadata>> lastClean = new HashMap<>();

  /**
   * @param dir the directory to read; used as given in problem reports, so a relative path gives
   *     relative file names
   */
  public ManifestDirectory(Path dir) {
    this.dir = dir;
  }

  /** The directory this reads. */
  public Path dir() {
    return dir;
  }

  /**
   * Reads the directory now.
   *
   * @throws UncheckedIOException if the directory itself cannot be listed (missing, not a
   *     directory, no permission); unreadable files inside it are problems instead
   */
  public Manifests load() {
    List<Path> files = listYamlFiles();
    List<HasMetadata> resources = new ArrayList<>();
    List<Problem> problems = new ArrayList<>();
    for (Path file : files) {
      List<HasMetadata> fileResources = new ArrayList<>();
      List<Problem> fileProblems = new ArrayList<>();
      readFile(file, fileResources, fileProblems);
      List<HasMetadata> previous = lastClean.get(file);
      if (fileProblems.isEmpty()) {
        lastClean.put(file, List.copyOf(fileResources));
      } else if (previous != null) {
        fileResources = previous;
        fileProblems =
            fileProblems.stream()
                .map(p -> new Problem(p.resource(), p.field(), p.message() + KEEPING_LAST_CLEAN))
                .toList();
      }
      resources.addAll(fileResources);
      problems.addAll(fileProblems);
    }
    lastClean.keySet().retainAll(new HashSet<>(files));
    return new Manifests(resources, problems, files.size());
  }

  private List<Path> listYamlFiles() {
    if (!Files.isDirectory(dir)) {
      throw new UncheckedIOException(
          new NoSuchFileException(dir.toString(), null, "no such directory"));
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir))
          .filter(p -> !isHidden(dir.relativize(p)))
          .filter(ManifestDirectory::isYaml)
          .filter(Files::isRegularFile)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isHidden(Path relative) {
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isYaml(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  private void readFile(Path file, List<HasMetadata> resources, List<Problem> problems) {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file);
    } catch (CharacterCodingException e) {
      problems.add(new Problem(name, "file", "not UTF-8 text; save the file as UTF-8"));
      return;
    } catch (NoSuchFileException e) {
      // Deleted between listing and reading (an editor's rename): the next rebuild sees the rest.
      return;
    } catch (IOException e) {
      problems.add(new Problem(name, "file", "cannot read: " + e.getMessage()));
      return;
    }
    LoadSettings settings = LoadSettings.builder().setLabel(name).build();
    int document = 0;
    try {
      for (Node node : new Compose(settings).composeAllFromString(text)) {
        document++;
        readDocument(name, document, node, settings, resources, problems);
      }
    } catch (MarkedYamlEngineException e) {
      problems.add(
          new Problem(
              name,
              position(e.getProblemMark().or(e::getContextMark)),
              "invalid YAML: "
                  + e.getProblem()
                  + "; fix the syntax (documents after this point in the file are skipped)"));
    } catch (YamlEngineException e) {
      problems.add(new Problem(name, "document " + (document + 1), "invalid YAML: " + e.getMessage()));
    }
  }

  private static void readDocument(
      String name,
      int document,
      Node node,
      LoadSettings settings,
      List<HasMetadata> resources,
      List<Problem> problems) {
    String where = "document " + document + " at " + position(node.getStartMark());
    Object value = new StandardConstructor(settings).constructSingleDocument(Optional.of(node));
    if (value == null) {
      return; // an empty document, e.g. after a trailing "---"
    }
    if (!(value instanceof Map<?, ?> map)) {
      problems.add(new Problem(name, where, "not a Kubernetes object (expected a mapping)"));
      return;
    }
    if (!(map.get("apiVersion") instanceof String) || !(map.get("kind") instanceof String)) {
      problems.add(
          new Problem(
              name, where, "not a Kubernetes object: add apiVersion and kind (e.g. kind: Ingress)"));
      return;
    }
    KubernetesResource resource;
    try {
      resource = SERIALIZATION.convertValue(map, KubernetesResource.class);
    } catch (IllegalArgumentException e) {
      problems.add(
          new Problem(
              name,
              where + describe(map),
              "does not match the " + map.get("kind") + " schema: " + firstLine(e.getMessage())));
      return;
    }
    collect(resource, resources);
  }

  private static void collect(@Nullable KubernetesResource resource, List<HasMetadata> out) {
    if (resource instanceof KubernetesResourceList<?> list) {
      for (Object item : list.getItems()) {
        collect((KubernetesResource) item, out);
      }
    } else if (resource instanceof GenericKubernetesResource) {
      // A kind without a fabric8 model (a CRD, a typo'd apiVersion): nothing Bollard translates.
      return;
    } else if (resource instanceof HasMetadata object) {
      out.add(object);
    }
  }

  private static String describe(Map<?, ?> map) {
    Object metadata = map.get("metadata");
    if (metadata instanceof Map<?, ?> m && m.get("name") instanceof String resourceName) {
      Object ns = m.get("namespace");
      return " (" + map.get("kind") + " " + (ns instanceof String s ? s + "/" : "") + resourceName
          + ")";
    }
    return "";
  }

  private static String position(Optional<Mark> mark) {
    // snakeyaml counts from 0; editors and humans from 1.
    return mark.map(m -> "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
        .orElse("unknown position");
  }

  private static String firstLine(@Nullable String message) {
    if (message == null) {
      return "invalid value";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
