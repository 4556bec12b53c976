package dev.bollard.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.PathMatch;
import dev.bollard.proxy.config.Route;
import dev.bollard.proxy.config.RouteSource;
import dev.bollard.proxy.config.VirtualHost;
import dev.bollard.proxy.testing.ProxyFixture;
import dev.bollard.proxy.testing.RawHttpConnection;
import dev.bollard.proxy.testing.RawResponse;
import dev.bollard.proxy.testing.Snapshots;
import dev.bollard.proxy.testing.TestBackend;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code --transport}: which event-loop I/O each choice gets, and a proxied request on each. */
class TransportTest {

  @Test
  void eachChoiceGetsItsTransportOrFallsBackInOrder() {
    String uringOrNext = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
    String epollOrNio = Epoll.isAvailable() ? "epoll" : "nio";
    assertThat(Transport.choose("auto").name()).isEqualTo(uringOrNext);
    assertThat(Transport.choose("io_uring").name()).isEqualTo(uringOrNext);
    assertThat(Transport.choose("epoll").name()).isEqualTo(epollOrNio);
    assertThat(Transport.choose("nio").name()).isEqualTo("nio");
    assertThat(Transport.choose("nio").socketChannel()).isEqualTo(NioSocketChannel.class);
    assertThat(Transport.detect().name()).as("side listeners").isEqualTo(epollOrNio);
  }

  @Test
  void anUnknownTransportIsRefusedWithTheChoices() {
    assertThatThrownBy(() -> Transport.choose("kqueue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kqueue").hasMessageContaining("io_uring");
    ServerSettings d = ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0));
    assertThat(d.transport()).isEqualTo("auto");
    assertThatThrownBy(() -> new ServerSettings(d.bind(), 1, d.maxHeaderBytes(), d.maxUriBytes(),
        d.maxHeaderCount(), d.shutdownGrace(), d.upstreamIdleTimeout(), "splice"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("splice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"auto", "io_uring", "epoll", "nio"})
  void theProxyServesKeepAliveRequestsOnEachTransport(String transport) throws Exception {
    try (TestBackend backend = TestBackend.start("b", TestBackend.echo());
        ProxyFixture proxy = ProxyFixture.start(s -> new ServerSettings(s.bind(), 1,
            s.maxHeaderBytes(), s.maxUriBytes(), s.maxHeaderCount(), s.shutdownGrace(),
            s.upstreamIdleTimeout(), transport))) {
      Route route = new Route(new PathMatch.Prefix("/"),
          new Backend("test/app:80", List.of(backend.endpoint())), RouteSource.ingress("test", "app"));
      proxy.publish(Snapshots.of(new VirtualHost("app.test", List.of(route))));
      try (RawHttpConnection c = proxy.connect()) {
        for (int i = 0; i < 3; i++) {
          c.send("GET /r" + i + " HTTP/1.1\r\nHost: app.test\r\n\r\n");
          RawResponse r = c.read();
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.header("x-backend")).isEqualTo("b");
        }
      }
      assertThat(backend.connectionsAccepted()).as("one pooled upstream connection").isEqualTo(1);
    }
  }
  @Test
  void theDefaultRunsOneEventLoopPerCore() throws Exception {
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(ServerSettings.defaults(new InetSocketAddress("127.0.0.1", 0)).eventLoops())
        .isEqualTo(cores);
    // Seen from outside: client connections go to the loops in turn and each loop keeps its own
    // upstream pool, so twice as many sequential clients as cores, one request each, reach the
    // backend over exactly one pooled connection per loop (Netty's default would be two per core).
    try (TestBackend backend = TestBackend.start("b", TestBackend.echo());
        ProxyFixture proxy = ProxyFixture.start()) {
      Route route = new Route(new PathMatch.Prefix("/"),
          new Backend("test/app:80", List.of(backend.endpoint())), RouteSource.ingress("test", "app"));
      proxy.publish(Snapshots.of(new VirtualHost("app.test", List.of(route))));
      List<RawHttpConnection> clients = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < 2 * cores; i++) {
          RawHttpConnection c = proxy.connect();
          clients.add(c);
          c.send("GET /c" + i + " HTTP/1.1\r\nHost: app.test\r\n\r\n");
          assertThat(c.read().status()).isEqualTo(200);
        }
      } finally {
        clients.forEach(RawHttpConnection::close);
      }
      assertThat(backend.connectionsAccepted()).as("one upstream connection per event loop")
          .isEqualTo(cores);
    }
  }
}
