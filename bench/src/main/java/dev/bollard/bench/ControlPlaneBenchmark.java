package dev.bollard.bench;

import dev.bollard.controller.publish.RebuildPipeline;
import dev.bollard.controller.publish.SnapshotPublisher;
import dev.bollard.controller.store.ResourceStore;
import dev.bollard.controller.translate.IngressClassSelection;
import dev.bollard.controller.translate.SnapshotTranslator;
import dev.bollard.controller.translate.SourceRead;
import dev.bollard.proxy.routing.CurrentRoutes;
import dev.bollard.proxy.routing.RouteTable;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * The control plane at 10,000 Ingresses, through the same {@link RebuildPipeline} both runtimes
 * use: index the resources ({@link ResourceStore#of}), translate (routes, the global config,
 * the desired status), publish (which compiles the route table the proxy reads).
 *
 * <ul>
 *   <li>{@link #changeGoesLive}: one Ingress gained or lost a path since the last rebuild, so every
 *       invocation publishes a new snapshot: the time from "the rebuild thread starts" to "the next
 *       request sees the change". In a cluster the scheduler's hold-off ({@code
 *       --rebuild-hold-off}, 200 ms by default) comes before it.
 *   <li>{@link #rebuildUnchanged}: a rebuild that finds nothing new (an event for an object no
 *       route depends on) and publishes nothing.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class ControlPlaneBenchmark {

  @Param({"10000"})
  public int ingresses;

  private final CurrentRoutes routes = new CurrentRoutes();
  private List<HasMetadata> before = List.of();
  private List<HasMetadata> after = List.of();
  private List<HasMetadata> next = List.of();
  private RebuildPipeline pipeline;

  @Setup(Level.Trial)
  public void setUp() {
    before = TranslationBenchmark.resources(ingresses);
    after = new ArrayList<>(before);
    // The change: the first application's Ingress gains a path.
    int index = 1;
    Ingress changed = new IngressBuilder((Ingress) after.get(index))
        .editSpec().editFirstRule().editHttp()
          .addNewPath()
            .withPath("/changed").withPathType("Prefix")
            .withNewBackend().withNewService().withName("app-0")
              .withNewPort().withNumber(80).endPort()
            .endService().endBackend()
          .endPath()
        .endHttp().endRule().endSpec()
        .build();
    after.set(index, changed);
    next = before;
    SnapshotPublisher publisher = new SnapshotPublisher(routes);
    pipeline = new RebuildPipeline(
        () -> Optional.of(SourceRead.of(ResourceStore.of(next))),
        new SnapshotTranslator(IngressClassSelection.defaults()),
        publisher);
    List<String> problems = new ArrayList<>();
    publisher.subscribe(
        p -> p.result().problems().forEach(problem -> problems.add(problem.toString())));
    pipeline.run();
    if (!problems.isEmpty()) {
      throw new IllegalStateException("the benchmark resources do not translate cleanly: "
          + problems.subList(0, Math.min(3, problems.size())));
    }
    long first = routes.table().snapshot().version();
    next = after;
    pipeline.run();
    // Fail the trial rather than time a rebuild that publishes nothing.
    if (routes.table().snapshot().version() != first + 1
        || routes.table().match("app-0.example.com", "/changed/x").backend() == null) {
      throw new IllegalStateException("the change did not go live");
    }
  }

  @Benchmark
  public RouteTable changeGoesLive() {
    next = next == before ? after : before;
    pipeline.run();
    return routes.table();
  }

  @Benchmark
  public RouteTable rebuildUnchanged() {
    pipeline.run();
    return routes.table();
  }
}
