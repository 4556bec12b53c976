package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bollard.controller.cli.StartupWarmup.Step;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupWarmupTest {

  private static final Map<String, String> NO_ENV = Map.of();

  @Test
  void aStandaloneRunWarmsEverythingInTheOrderTheMainThreadNeedsIt() {
    assertThat(StartupWarmup.plan(new String[] {"run", "--manifests", "examples"}, NO_ENV))
        .containsExactly(Step.LOGGING, Step.MANIFESTS, Step.MANAGEMENT, Step.OPENSSL, Step.EPOLL,
            Step.IO_URING);
  }

  @Test
  void aClusterRunSkipsTheManifestReader() {
    assertThat(StartupWarmup.plan(new String[] {"run", "--kubeconfig", "k"}, NO_ENV))
        .doesNotContain(Step.MANIFESTS)
        .contains(Step.OPENSSL, Step.IO_URING);
  }

  @Test
  void theManifestDirectoryMayComeFromTheEnvironment() {
    assertThat(StartupWarmup.plan(new String[] {"run"}, Map.of("BOLLARD_MANIFESTS", "examples")))
        .contains(Step.MANIFESTS);
  }

  @Test
  void theTransportDecidesWhichNativeLibrariesAreWarmed() {
    assertThat(StartupWarmup.plan(new String[] {"run", "--transport", "epoll"}, NO_ENV))
        .contains(Step.EPOLL)
        .doesNotContain(Step.IO_URING);
    assertThat(StartupWarmup.plan(new String[] {"run", "--transport=nio"}, NO_ENV))
        .doesNotContain(Step.EPOLL, Step.IO_URING);
    assertThat(StartupWarmup.plan(new String[] {"run"}, Map.of("BOLLARD_TRANSPORT", "NIO")))
        .doesNotContain(Step.EPOLL, Step.IO_URING);
    assertThat(StartupWarmup.plan(new String[] {"run", "--transport", "io_uring"},
        Map.of("BOLLARD_TRANSPORT", "nio")))
        .contains(Step.IO_URING);
  }

  @Test
  void otherCommandsAndHelpWarmNothing() {
    assertThat(StartupWarmup.plan(new String[] {"check", "examples"}, NO_ENV)).isEmpty();
    assertThat(StartupWarmup.plan(new String[] {}, NO_ENV)).isEmpty();
    assertThat(StartupWarmup.plan(new String[] {"run", "--help"}, NO_ENV)).isEmpty();
    assertThat(StartupWarmup.plan(new String[] {"run", "-V"}, NO_ENV)).isEmpty();
    assertThat(StartupWarmup.begin(new String[] {"check", "examples"}, NO_ENV).isAlive()).isFalse();
  }

  @Test
  void everyStepRunsToTheEndWhateverThePlatformOffers() throws InterruptedException {
    Thread warmup = StartupWarmup.begin(new String[] {"run", "--manifests", "examples"}, NO_ENV);
    warmup.join(60_000);
    assertThat(warmup.isAlive()).isFalse();
    assertThat(warmup.isDaemon()).isTrue();
  }
}
