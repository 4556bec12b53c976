package dev.bollard.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode, restartable on the same port: the stored objects live
 * in the dispatcher, which a restarted server reuses, so a restart looks to clients like an API
 * server that went away and came back with its data.
 */
final class MockCluster implements AutoCloseable {

  private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
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
}
