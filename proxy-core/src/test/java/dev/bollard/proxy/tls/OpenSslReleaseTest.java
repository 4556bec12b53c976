package dev.bollard.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bollard.proxy.routing.CurrentRoutes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCounted;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLEngine;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * OpenSSL server contexts and engines are reference-counted (no finalizer per engine): an engine
 * is released when its connection's pipeline goes, a context once nothing holds it (its wrapper
 * unreachable) and its last engine is released.
 */
class OpenSslReleaseTest {

  private static final CertifiedKey KEY =
      CertifiedKey.selfSigned("release.test", Duration.ofDays(1));

  @BeforeAll
  static void openSsl() {
    assumeTrue(OpenSsl.isAvailable(), "OpenSSL (netty-tcnative) not loadable here");
  }

  @Test
  void enginesHaveNoFinalizer() throws Exception {
    SslContext context = new TlsContexts(SslProvider.OPENSSL).build(KEY, TlsContexts.HTTP_1_1);
    SSLEngine engine = context.newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
    try {
      assertThat(engine).isInstanceOf(ReferenceCounted.class).isNotInstanceOf(OpenSslEngine.class);
    } finally {
      ((ReferenceCounted) engine).release();
    }
  }

  @Test
  void theConnectionsEngineIsReleasedWhenItCloses() throws Exception {
    EdgeTls edge = EdgeTls.builder().https(new InetSocketAddress("127.0.0.1", 0))
        .defaultCertificate(KEY).provider(SslProvider.OPENSSL).build();
    EdgeTls.Listener listener = edge.listener(true, new CurrentRoutes());
    EmbeddedChannel connection = new EmbeddedChannel(listener.helloStep());
    connection.writeInbound(clientHello());

    SslHandler ssl = connection.pipeline().get(SslHandler.class);
    assertThat(ssl).as("the chooser put the TLS handler in its place").isNotNull();
    ReferenceCounted engine = (ReferenceCounted) ssl.engine();
    assertThat(engine.refCnt()).isEqualTo(1);
    assertThat((ByteBuf) connection.readOutbound()).as("the server's first flight").isNotNull();

    connection.finishAndReleaseAll();
    assertThat(engine.refCnt()).isZero();
  }

  @Test
  void aContextIsReleasedOnceUnreachableAndItsLastEngineReleased() throws Exception {
    SslContext counted = SslContextBuilder.forServer(KEY.privateKey(),
            KEY.chain().toArray(new java.security.cert.X509Certificate[0]))
        .sslProvider(SslProvider.OPENSSL_REFCNT).keyStoreType("JKS").build();
    ReferenceCounted native_ = (ReferenceCounted) counted;
    ReferenceCounted engine = engineOfDroppedWrapper(counted);

    // The wrapper is gone, the engine still holds the context.
    assertThat(collectUntil(() -> native_.refCnt() == 1)).isTrue();
    assertThat(native_.refCnt()).isEqualTo(1);

    engine.release();
    assertThat(native_.refCnt()).isZero();
  }

  /** Makes an engine from a wrapper of {@code counted} that nothing holds afterwards. */
  private static ReferenceCounted engineOfDroppedWrapper(SslContext counted) {
    SslContext wrapper = new ReleasedWhenUnreachable(counted);
    ReferenceCounted engine =
        (ReferenceCounted) wrapper.newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT);
    assertThat(((ReferenceCounted) counted).refCnt()).as("the wrapper's and the engine's")
        .isEqualTo(2);
    return engine;
  }

  /**
   * Runs the garbage collector until {@code done} (the Cleaner acts on its own thread), for 10 s
   * at most: a wrapper nothing references goes with the first full collection, so this fails only
   * if the wrapper stays reachable, which is what it tests.
   */
  private static boolean collectUntil(BooleanSupplier done) {
    try {
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> {
        System.gc();
        return done.getAsBoolean();
      });
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  /** A TLS ClientHello as a JDK client engine writes it. */
  private static ByteBuf clientHello() throws Exception {
    SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
        .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
    SSLEngine engine = client.newEngine(io.netty.buffer.ByteBufAllocator.DEFAULT, "release.test", 443);
    engine.beginHandshake();
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    return Unpooled.wrappedBuffer(out);
  }
}
