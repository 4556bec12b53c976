package dev.bollard.controller.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/ingress-nginx.md} is the rendering of the table. After changing the table, run this
 * test with {@code -Dbollard.regenerate=true} to rewrite the file, and commit it.
 */
class CatalogueDocumentTest {

  private static final Path DOCUMENT = Path.of("..", IngressNginx.DOCUMENT);

  @Test
  void theDocumentIsTheTableRendered() throws IOException {
    String rendered = CatalogueDocument.render();
    if (Boolean.getBoolean("bollard.regenerate")) {
      Files.writeString(DOCUMENT, rendered, StandardCharsets.UTF_8);
    }
    String onDisk = Files.exists(DOCUMENT) ? Files.readString(DOCUMENT) : "";
    assertThat(onDisk)
        .as(DOCUMENT + " differs from the table in IngressNginx.java; regenerate it: ./mvnw -o -q"
            + " -pl ingress-controller -am test -Dtest=CatalogueDocumentTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dbollard.regenerate=true")
        .isEqualTo(rendered);
  }

  @Test
  void everyEntryIsInTheDocumentWithItsStatus() {
    String rendered = CatalogueDocument.render();
    for (Entry e : IngressNginx.ANNOTATIONS) {
      assertThat(rendered).contains("| `" + e.shortName() + "` | " + e.status().text());
    }
    for (Entry e : IngressNginx.CONFIG_KEYS) {
      assertThat(rendered).contains("| `" + e.key() + "` | " + e.status().text());
    }
  }
}
