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

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      requests.add(request.getMethod() + " " + request.getPath());
      return super.dispatch(request);
    }
  }
}
