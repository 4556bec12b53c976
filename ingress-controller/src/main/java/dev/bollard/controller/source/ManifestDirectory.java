package dev.bollard.controller.source;

import dev.bollard.controller.translate.Problem;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
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
 * {@code kubectl apply -f} input would; kinds the {@code store.ResourceStore} does not hold are
 * ignored.
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

  /**
   * The kinds a read keeps ({@code apiVersion/kind}): what the resource store holds. Converting to
   * the class itself, rather than to {@code KubernetesResource}, spares fabric8 loading its registry
   * of every kind it models (some 600 classes, most of start-up's class loading in standalone mode).
   */
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
      "networking.k8s.io/v1/Ingress", Ingress.class,
      "networking.k8s.io/v1/IngressClass", IngressClass.class,
      "v1/Service", Service.class,
      "discovery.k8s.io/v1/EndpointSlice", EndpointSlice.class,
      "v1/Endpoints", Endpoints.class,
      "v1/Secret", Secret.class,
      "v1/ConfigMap", ConfigMap.class);

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
    List<HasMetadata> objects = new ArrayList<>();
    try {
      collect(map, objects);
    } catch (IllegalArgumentException e) {
      problems.add(
          new Problem(
              name,
              where + describe(map),
              "does not match the " + map.get("kind") + " schema: " + firstLine(e.getMessage())));
      return;
    }
    resources.addAll(objects);
  }

  /**
   * Adds the object {@code map} describes if it is of a kind the store holds, or the items of a
   * list ({@code kind: List}, {@code IngressList}, ...).
   *
   * @throws IllegalArgumentException if it does not match its kind's schema
   */
  private static void collect(Map<?, ?> map, List<HasMetadata> out) {
    String kind = String.valueOf(map.get("kind"));
    if (kind.endsWith("List") && map.get("items") instanceof List<?> items) {
      for (int i = 0; i < items.size(); i++) {
        if (!(items.get(i) instanceof Map<?, ?> item) || !(item.get("apiVersion") instanceof String)
            || !(item.get("kind") instanceof String)) {
          throw new IllegalArgumentException(
              "items[" + i + "] is not a Kubernetes object (add apiVersion and kind)");
        }
        collect(item, out);
      }
      return;
    }
    Class<? extends HasMetadata> type = KINDS.get(map.get("apiVersion") + "/" + kind);
    if (type != null) {
      out.add(SERIALIZATION.convertValue(map, type));
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
