package dev.bollard.controller.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Dockerfile and the chart's defaults agree: user, ports, and the jar the build makes. */
class HelmImageTest {

  @Test
  void imageMatchesTheChartDefaults() throws IOException {
    List<String> dockerfile = Files.readAllLines(Path.of("..", "Dockerfile"));
    Deployment deployment = RenderedChart.render().one(Deployment.class);
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(dockerfile).contains("USER "
        + deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser() + ":"
        + deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsGroup());
    List<String> exposed = dockerfile.stream()
        .filter(l -> l.startsWith("EXPOSE "))
        .flatMap(l -> Arrays.stream(l.substring("EXPOSE ".length()).trim().split("\\s+")))
        .toList();
    assertThat(exposed).containsExactlyInAnyOrderElementsOf(container.getPorts().stream()
        .map(ContainerPort::getContainerPort).map(String::valueOf).toList());
    assertThat(container.getImage()).startsWith("bollard:");
    // The shaded jar's name, as ingress-controller/pom.xml's shade finalName makes it.
    assertThat(Files.readString(Path.of("pom.xml"))).contains("<finalName>bollard</finalName>");
    assertThat(String.join("\n", dockerfile)).contains("ingress-controller/target/bollard.jar");
  }

  @Test
  void theImageStartsWithTheArchiveItsTrainingRunWrote() throws IOException {
    String dockerfile = Files.readString(Path.of("..", "Dockerfile"));
    Matcher written = Pattern.compile("-XX:ArchiveClassesAtExit=(\\S+)").matcher(dockerfile);
    Matcher used = Pattern.compile("\"-XX:SharedArchiveFile=([^\"]+)\"").matcher(dockerfile);

    assertThat(written.find()).as("the training run in the Dockerfile").isTrue();
    assertThat(used.find()).as("the archive in the ENTRYPOINT").isTrue();
    assertThat(used.group(1)).isEqualTo(written.group(1));
    // The training run reads the bundled examples: they must reach the build context.
    assertThat(Files.readAllLines(Path.of("..", ".dockerignore"))).doesNotContain("examples");
    assertThat(dockerfile).contains("COPY --chown=root:root examples/ /opt/bollard/examples/");
  }

  @Test
  void theTrainingRunAndTheImageStartWithTheSameJvmOptions() throws IOException {
    // An archive serves only a JVM started with settings like the training run's (the collector
    // above all): both read one options file.
    String dockerfile = Files.readString(Path.of("..", "Dockerfile"));
    Matcher file = Pattern.compile("COPY <<'EOF' (\\S+)\n").matcher(dockerfile);
    assertThat(file.find()).as("the JVM options file written in the Dockerfile").isTrue();
    String options = file.group(1);
    Matcher training =
        Pattern.compile("java @(\\S+) -XX:ArchiveClassesAtExit=").matcher(dockerfile);
    Matcher entrypoint = Pattern.compile("ENTRYPOINT \\[\"java\", \"@([^\"]+)\"")
        .matcher(dockerfile);
    assertThat(training.find()).as("the training run reads an options file").isTrue();
    assertThat(entrypoint.find()).as("the ENTRYPOINT reads an options file").isTrue();
    assertThat(training.group(1)).isEqualTo(options);
    assertThat(entrypoint.group(1)).isEqualTo(options);
  }
}
