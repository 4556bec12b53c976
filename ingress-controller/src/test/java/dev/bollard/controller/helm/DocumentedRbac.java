package dev.bollard.controller.helm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The controller's RBAC table as docs/architecture.md documents it (section "RBAC"): the one list
 * the chart must render, read from the doc so that the two cannot drift apart.
 */
record DocumentedRbac(List<Row> rows) {

  /** One table row: API group ({@code ""} for core), resource, verbs, and the "why" text. */
  record Row(String apiGroup, String resource, Set<String> verbs, String why) {

    /** The doc says "a Role": only in the controller's namespace. */
    boolean namespaceOnly() {
      return A_ROLE.matcher(why).find();
    }

    /** An ACME row ("ACME (only with `--acme-directory`)"): granted only when ACME is on. */
    boolean acmeOnly() {
      return why.startsWith("ACME");
    }
  }

  private static final Pattern A_ROLE = Pattern.compile("\\ba Role\\b");

  static DocumentedRbac read() {
    Path doc = Path.of("..", "docs", "architecture.md");
    List<String> lines;
    try {
      lines = Files.readAllLines(doc);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int section = lines.indexOf("## RBAC");
    if (section < 0) {
      throw new IllegalStateException(doc + ": no \"## RBAC\" section");
    }
    List<Row> rows = new ArrayList<>();
    boolean header = true;
    for (int i = section + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
      String line = lines.get(i).strip();
      if (!line.startsWith("|")) {
        if (!rows.isEmpty()) {
          break;
        }
        continue;
      }
      if (header) {
        // "| API group | resource | verbs | why |" and its "|---|" line.
        header = !line.startsWith("|---");
        continue;
      }
      String[] cells = line.substring(1, line.length() - 1).split("\\|");
      if (cells.length != 4) {
        throw new IllegalStateException(doc + ": RBAC row with " + cells.length + " cells: " + line);
      }
      rows.add(
          new Row(
              apiGroup(cells[0]),
              cells[1].strip().replace("`", ""),
              Arrays.stream(cells[2].split(","))
                  .map(String::strip)
                  .collect(Collectors.toUnmodifiableSet()),
              cells[3].strip()));
    }
    if (rows.isEmpty()) {
      throw new IllegalStateException(doc + ": the RBAC section has no table");
    }
    return new DocumentedRbac(List.copyOf(rows));
  }

  // "`networking.k8s.io`" -> networking.k8s.io; "`""` (core)" -> "".
  private static String apiGroup(String cell) {
    String group = cell.strip();
    int space = group.indexOf(' ');
    if (space >= 0) {
      group = group.substring(0, space);
    }
    group = group.replace("`", "");
    return group.equals("\"\"") ? "" : group;
  }

  /** Every permission as "group/resource:verb"; the ACME rows only if {@code acme}. */
  Set<String> permissions(boolean acme) {
    return permissions(r -> acme || !r.acmeOnly());
  }

  /** The permissions only a Role in the controller's namespace may grant. */
  Set<String> namespaceOnlyPermissions(boolean acme) {
    return permissions(r -> r.namespaceOnly() && (acme || !r.acmeOnly()));
  }

  private Set<String> permissions(Predicate<Row> which) {
    return rows.stream()
        .filter(which)
        .flatMap(r -> r.verbs().stream().map(v -> permission(r.apiGroup(), r.resource(), v)))
        .collect(Collectors.toUnmodifiableSet());
  }

  static String permission(String group, String resource, String verb) {
    return group + "/" + resource + ":" + verb;
  }
}
