package dev.bollard.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's mock API server in CRUD mode, restartable on the same port: the stored objects live
 * in the dispatcher, which a restarted server reuses, so a restart looks to clients like an API
 * server that went away and came back with its data.
 */
final class MockCluster implements AutoCloseable {

  private final Recording dispatcher = new Recording();
  private KubernetesMockServer server;
  private final int port;

  MockCluster() {
    server = newServer();
    server.init(InetAddress.getLoopbackAddress(), 0);
    port = server.getPort();
  }

  private KubernetesMockServer newServer() {
    return new KubernetesMockServer(
        new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
  }

  /** A new client of this server; the caller closes it. */
  KubernetesClient client() {
    return server.createClient(
        b -> b.editOrNewConfig().withWatchReconnectInterval(100).withRequestRetryBackoffInterval(50)
            .endConfig());
  }

  /**
   * The next {@code times} requests whose {@code METHOD path} matches {@code request} get a 503,
   * as from an API server that cannot take them now.
   */
  void refuse(String request, int times) {
    dispatcher.refusals.put(java.util.regex.Pattern.compile(request),
        new java.util.concurrent.atomic.AtomicInteger(times));
  }

  /**
   * A new client of this server that does not retry a failed request itself (fabric8 retries
   * 5xx answers on its own): what the caller does about a failure shows; the caller closes it.
   */
  KubernetesClient clientWithoutRetries() {
    return server.createClient(
        b -> b.editOrNewConfig().withWatchReconnectInterval(100).withRequestRetryBackoffLimit(0)
            .endConfig());
  }

  /** Every request served so far, as {@code METHOD path}, oldest first (across restarts). */
  List<String> requests() {
    return List.copyOf(dispatcher.requests);
  }

  void stop() {
    server.destroy();
  }

  void restart() {
    server = newServer();
    server.init(InetAddress.getLoopbackAddress(), port);
  }

  @Override
  public void close() {
    server.destroy();
  }

  /** The CRUD dispatcher, noting each request's method and path first. */
  private static final class Recording extends KubernetesCrudDispatcher {
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final java.util.Map<java.util.regex.Pattern, java.util.concurrent.atomic.AtomicInteger>
        refusals = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String line = request.getMethod() + " " + request.getPath();
      requests.add(line);
      for (var refusal : refusals.entrySet()) {
        if (refusal.getKey().matcher(line).matches()
            && refusal.getValue().getAndDecrement() > 0) {
          return new MockResponse().setResponseCode(503).setBody(
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                  + "\"message\":\"refused by the test\",\"code\":503}");
        }
      }
      return super.dispatch(request);
    }
  }
}
