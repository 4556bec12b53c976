package dev.bollard.proxy.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** A strict check of the Prometheus text exposition format (0.0.4). */
public final class PrometheusText {

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern SAMPLE = Pattern.compile(
      "([a-zA-Z_:][a-zA-Z0-9_:]*)"
          + "(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\"\\\\n])*\""
          + "(,[a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\"\\\\n])*\")*,?)?\\})?"
          + " (-?[0-9.]+([eE][-+]?[0-9]+)?|NaN|[+-]Inf)( -?[0-9]+)?");
  private static final Set<String> TYPES =
      Set.of("counter", "gauge", "histogram", "summary", "untyped");

  private PrometheusText() {}

  /** Fails unless every line is a comment, a HELP/TYPE line or a sample of a declared family. */
  public static void assertWellFormed(String text) {
    assertThat(text).endsWith("\n");
    Set<String> typed = new HashSet<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] p = line.split(" ");
        assertThat(p).as(line).hasSize(4);
        assertThat(NAME.matcher(p[2]).matches()).as(line).isTrue();
        assertThat(TYPES).as(line).contains(p[3]);
        assertThat(typed.add(p[2])).as("family declared twice: " + line).isTrue();
      } else if (line.startsWith("# HELP ")) {
        assertThat(NAME.matcher(line.split(" ")[2]).matches()).as(line).isTrue();
      } else if (line.startsWith("#") || line.isEmpty()) {
        continue;
      } else {
        var m = SAMPLE.matcher(line);
        assertThat(m.matches()).as("not a sample line: " + line).isTrue();
        String name = m.group(1);
        boolean declared = typed.contains(name)
            || typed.contains(name.replaceAll("_(bucket|sum|count|total|created|max)$", ""));
        assertThat(declared).as("sample of an undeclared family: " + line).isTrue();
      }
    }
  }
}
