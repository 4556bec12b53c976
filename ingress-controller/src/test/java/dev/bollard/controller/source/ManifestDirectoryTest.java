package dev.bollard.controller.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.controller.translate.Problem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestDirectoryTest {

  @TempDir Path dir;

  private static final String INGRESS =
      """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata:
        name: web
        namespace: shop
      spec:
        ingressClassName: bollard
        rules:
          - host: shop.example.com
            http:
              paths:
                - path: /
                  pathType: Prefix
                  backend:
                    service:
                      name: web
                      port:
                        number: 80
      """;

  private static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata:
        name: web
        namespace: shop
      spec:
        ports:
          - port: 80
            targetPort: 8080
      """;

  private static final String SLICE =
      """
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: web-abc
        namespace: shop
        labels:
          kubernetes.io/service-name: web
      addressType: IPv4
      endpoints:
        - addresses: ["127.0.0.1"]
      ports:
        - port: 8080
      """;

  @Test
  void readsEveryDocumentOfEveryFileRecursivelyInSortedOrder() throws IOException {
    write("b.yaml", INGRESS);
    write("a/z.yml", SERVICE + "---\n" + SLICE + "---\n");

    Manifests manifests = new ManifestDirectory(dir).load();

    assertThat(manifests.problems()).isEmpty();
    assertThat(manifests.files()).isEqualTo(2);
    assertThat(manifests.resources())
        .extracting(r -> (Object) r.getClass())
        .containsExactly(Service.class, EndpointSlice.class, Ingress.class);
    Ingress ingress = (Ingress) manifests.resources().get(2);
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("shop.example.com");
  }

  @Test
  void kindListIsFlattened() throws IOException {
    write(
        "list.yaml",
        "apiVersion: v1\nkind: List\nitems:\n"
            + indent(SERVICE.replace("name: web\n", "name: one\n"))
            + indent(SERVICE.replace("name: web\n", "name: two\n")));

    Manifests manifests = new ManifestDirectory(dir).load();

    assertThat(manifests.problems()).isEmpty();
    assertThat(manifests.resources())
        .extracting(r -> r.getMetadata().getName())
        .containsExactly("one", "two");
  }

  @Test
  void kindsTheStoreDoesNotHoldAreNotReadAndTypedListsAreFlattened() throws IOException {
    // Not even checked against their schema: Bollard reads only what it translates.
    write("deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"
        + "spec:\n  replicas: many\n");
    write("ingresses.yaml", "apiVersion: networking.k8s.io/v1\nkind: IngressList\nitems:\n"
        + indent(INGRESS));

    Manifests manifests = new ManifestDirectory(dir).load();

    assertThat(manifests.problems()).isEmpty();
    assertThat(manifests.resources()).extracting(HasMetadata::getKind).containsExactly("Ingress");
  }

  @Test
  void syntaxErrorIsReportedWithFileAndPositionAndTheRestIsLoaded() throws IOException {
    write("a-good.yaml", SERVICE);
    write("b-bad.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: [unclosed\n");
    write("c-good.yaml", INGRESS);

    Manifests manifests = new ManifestDirectory(dir).load();

    assertThat(manifests.resources()).extracting(HasMetadata::getKind)
        .containsExactly("Service", "Ingress");
    assertThat(manifests.problems()).singleElement().satisfies(p -> {
      assertThat(p.resource()).isEqualTo(dir.resolve("b-bad.yaml").toString());
      assertThat(p.field()).startsWith("line 5,");
      assertThat(p.message()).startsWith("invalid YAML");
    });
  }

  @Test
  void documentsBeforeASyntaxErrorStillCount() throws IOException {
    write("mixed.yaml", SERVICE + "---\nkind: : :\n");

    Manifests manifests = new ManifestDirectory(dir).load();

    assertThat(manifests.resources()).extracting(HasMetadata::getKind).containsExactly("Service");
    assertThat(manifests.problems()).singleElement()
        .extracting(Problem::field).asString().startsWith("line 11,");
  }

  @Test
  void documentThatDoesNotFitItsSchemaIsReportedAndTheNextDocumentIsRead() throws IOException {
    String badService = SERVICE.replace("- port: 80", "- port: eighty");
    write("svc.yaml", badService + "---\n" + INGRESS);

    Manifests manifests = new ManifestDirectory(dir).load();

    assertThat(manifests.resources()).extracting(HasMetadata::getKind).containsExactly("Ingress");
    assertThat(manifests.problems()).singleElement().satisfies(p -> {
      assertThat(p.resource()).endsWith("svc.yaml");
      assertThat(p.field()).isEqualTo("document 1 at line 1, column 1 (Service shop/web)");
      assertThat(p.message()).startsWith("does not match the Service schema");
    });
  }

  @Test
  void documentWithoutKindIsReported() throws IOException {
    write("x.yaml", "metadata:\n  name: nothing\n");

    Manifests manifests = new ManifestDirectory(dir).load();

    assertThat(manifests.resources()).isEmpty();
    assertThat(manifests.problems()).singleElement()
        .extracting(Problem::message).asString().contains("add apiVersion and kind");
  }

  @Test
  void unknownKindsAndOtherFilesAreIgnored() throws IOException {
    write("crd.yaml", "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n");
    write("notes.txt", "not yaml: [");
    write(".hidden.yaml", "not: [valid");
    write("..data/svc.yaml", SERVICE);
    write("empty.yaml", "");

    Manifests manifests = new ManifestDirectory(dir).load();

    assertThat(manifests.resources()).isEmpty();
    assertThat(manifests.problems()).isEmpty();
    assertThat(manifests.files()).isEqualTo(2);
  }

  @Test
  void aFileBrokenAfterACleanReadKeepsItsLastCleanContent() throws IOException {
    ManifestDirectory manifests = new ManifestDirectory(dir);
    write("svc.yaml", SERVICE);
    manifests.load();

    write("svc.yaml", SERVICE + "  oops: [\n");
    Manifests broken = manifests.load();

    assertThat(broken.resources()).extracting(r -> r.getMetadata().getName()).containsExactly("web");
    assertThat(broken.problems()).singleElement()
        .extracting(Problem::message).asString()
        .endsWith(ManifestDirectory.KEEPING_LAST_CLEAN);
  }

  @Test
  void aFileRemovedIsForgotten() throws IOException {
    ManifestDirectory manifests = new ManifestDirectory(dir);
    write("svc.yaml", SERVICE);
    manifests.load();
    Files.delete(dir.resolve("svc.yaml"));
    manifests.load();

    write("svc.yaml", "kind: [");
    Manifests reborn = manifests.load();

    assertThat(reborn.resources()).isEmpty();
    assertThat(reborn.problems()).singleElement()
        .extracting(Problem::message).asString()
        .doesNotContain(ManifestDirectory.KEEPING_LAST_CLEAN);
  }

  @Test
  void missingDirectoryIsAnError() {
    ManifestDirectory missing = new ManifestDirectory(dir.resolve("nope"));

    assertThatThrownBy(missing::load)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("no such directory");
  }

  private void write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static String indent(String doc) {
    StringBuilder out = new StringBuilder();
    boolean first = true;
    for (String line : doc.split("\n")) {
      out.append(first ? "  - " : "    ").append(line).append('\n');
      first = false;
    }
    return out.toString();
  }
}
