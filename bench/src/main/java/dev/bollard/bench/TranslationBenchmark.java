package dev.bollard.bench;

import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.controller.translate.SnapshotTranslator;
import dev.bollard.controller.translate.TranslationResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The control plane's cost of one rebuild: Ingresses, Services and EndpointSlices (one of each per
 * application, as fabric8 objects) to a {@link dev.bollard.proxy.config.RoutingSnapshot}.
 *
 * <p>{@link #translate} measures {@link SnapshotTranslator#translate} on a prepared store; {@link
 * #indexAndTranslate} adds {@link ResourceStore#of}, which a source runs on every change too.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class TranslationBenchmark {

  @Param({"10000"})
  public int ingresses;

  private List<HasMetadata> resources = List.of();
  private ResourceStore store = ResourceStore.empty();
  private final SnapshotTranslator translator =
      new SnapshotTranslator(IngressClassSelection.defaults());

  @Setup(Level.Trial)
  public void setUp() {
    resources = resources(ingresses);
    store = ResourceStore.of(resources);
    TranslationResult result = translator.translate(store);
    // Fail the trial rather than time the error path.
    if (result.hasProblems() || result.snapshot().virtualHosts().size() != ingresses) {
      throw new IllegalStateException("the benchmark resources do not translate cleanly: "
          + result.snapshot().virtualHosts().size() + " hosts, problems "
          + result.problems().subList(0, Math.min(3, result.problems().size())));
    }
  }

  @Benchmark
  public TranslationResult translate() {
    return translator.translate(store);
  }

  @Benchmark
  public TranslationResult indexAndTranslate() {
    return translator.translate(ResourceStore.of(resources));
  }

  static List<HasMetadata> resources(int count) {
    List<HasMetadata> all = new ArrayList<>(count * 3 + 1);
    all.add(new IngressClassBuilder()
        .withNewMetadata().withName(IngressClassSelection.DEFAULT_CLASS).endMetadata()
        .withNewSpec().withController(IngressClassSelection.CONTROLLER).endSpec()
        .build());
    Instant created = Instant.parse("2024-01-01T00:00:00Z");
    for (int i = 0; i < count; i++) {
      String namespace = "team-" + (i % 100);
      String name = "app-" + i;
      all.add(ingress(namespace, name, created.plusSeconds(i).toString()));
      all.add(service(namespace, name));
      all.add(slice(namespace, name, i));
    }
    return all;
  }

  private static Ingress ingress(String namespace, String name, String created) {
    return new IngressBuilder()
        .withNewMetadata()
          .withNamespace(namespace).withName(name).withCreationTimestamp(created)
        .endMetadata()
        .withNewSpec()
          .withIngressClassName(IngressClassSelection.DEFAULT_CLASS)
          .addNewRule()
            .withHost(name + ".example.com")
            .withNewHttp()
              .addNewPath()
                .withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName(name)
                  .withNewPort().withNumber(80).endPort()
                .endService().endBackend()
              .endPath()
              .addNewPath()
                .withPath("/api").withPathType("Prefix")
                .withNewBackend().withNewService().withName(name)
                  .withNewPort().withName("http").endPort()
                .endService().endBackend()
              .endPath()
              .addNewPath()
                .withPath("/healthz").withPathType("Exact")
                .withNewBackend().withNewService().withName(name)
                  .withNewPort().withNumber(80).endPort()
                .endService().endBackend()
              .endPath()
            .endHttp()
          .endRule()
        .endSpec()
        .build();
  }

  private static Service service(String namespace, String name) {
    return new ServiceBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
        .withNewSpec()
          .addNewPort()
            .withName("http").withPort(80).withProtocol("TCP")
            .withTargetPort(new IntOrString("http"))
          .endPort()
        .endSpec()
        .build();
  }

  private static EndpointSlice slice(String namespace, String name, int n) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
          .withNamespace(namespace).withName(name + "-abcde")
          .addToLabels(ResourceStore.SERVICE_NAME_LABEL, name)
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort().withName("http").withPort(8080).withProtocol("TCP").endPort()
        .addNewEndpoint()
          .withAddresses("10.0." + ((n >> 8) & 255) + "." + (n & 255))
          .withNewConditions().withReady(true).endConditions()
        .endEndpoint()
        .addNewEndpoint()
          .withAddresses("10.1." + ((n >> 8) & 255) + "." + (n & 255))
          .withNewConditions().withReady(true).endConditions()
        .endEndpoint()
        .build();
  }
}
