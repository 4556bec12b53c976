package dev.bollard.proxy.tls;

import dev.bollard.proxy.clientcert.HandshakeCertificate;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.ClientAuth;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * The first TLS step of an HTTPS connection: reads the ClientHello, asks {@link EdgeTls} for the
 * context (by SNI, and by ALPN for ACME challenges), and replaces itself with that context's
 * {@link SslHandler}. Runs once per connection, so a certificate swap reaches new handshakes only.
 *
 * <p>A ClientHello whose SNI name the snapshot passes through goes to the listener's {@link
 * EdgeTls.Passthrough} instead, which replaces this step with a byte relay: the ClientHello was
 * only looked at, never consumed, so the backend receives it as the client sent it. Netty's
 * ClientHello reader bounds what is held (64 KiB); a client that never completes its ClientHello
 * is closed by the connection's header timeout, which runs from the start.
 */
final class CertificateChooser extends SslClientHelloHandler<SslContext> {

  /** The pipeline step name of the TLS handler once chosen. */
  static final String SSL_STEP = "ssl";

  private final EdgeTls.Listener listener;
  /** Set by {@link #lookup} when the SNI name is passed through. */
  private @Nullable Backend relayTo;
  private @Nullable String relayName;
  /**
   * The SNI name and the client-certificate settings the handshake asks by, set by lookup when
   * some host has client-certificate settings (else nothing is kept: no host's step reads it).
   */
  private @Nullable String serverName;
  private @Nullable ClientAuth clientAuth;

  CertificateChooser(EdgeTls.Listener listener) {
    this.listener = listener;
  }

  @Override
  protected Future<SslContext> lookup(ChannelHandlerContext ctx, @Nullable ByteBuf clientHello) {
    // Choosing is a map lookup (a context is built at most once per certificate): no need to
    // leave the event loop. Not a ClientHello at all: the default context's engine rejects it.
    ClientHello hello = clientHello == null
        ? new ClientHello(null, java.util.List.of())
        : ClientHello.parse(clientHello);
    String serverName = hello.serverName();
    if (serverName != null) {
      Backend relayed = listener.passthroughFor(serverName);
      if (relayed != null) {
        relayTo = relayed;
        relayName = serverName;
        return ctx.executor().newSucceededFuture(null);
      }
      ctx.channel().attr(EdgeTls.SERVER_NAME).set(serverName);
      if (listener.anyClientAuth()) {
        this.serverName = serverName;
        this.clientAuth = listener.clientAuthFor(serverName);
      }
    }
    return ctx.executor().newSucceededFuture(listener.contextFor(hello, clientAuth));
  }

  @Override
  protected void onLookupComplete(ChannelHandlerContext ctx, Future<SslContext> future) {
    if (!future.isSuccess()) {
      ctx.close();
      return;
    }
    Backend relayed = relayTo;
    String name = relayName;
    if (relayed != null && name != null) {
      listener.passthrough().relay(ctx, relayed, name);
      return;
    }
    SslContext context = future.getNow();
    ctx.channel().attr(EdgeTls.CONTEXT).set(context);
    SslHandler ssl = context.newHandler(ctx.alloc());
    if (serverName != null) {
      // Per connection, read by the step of a host with client-certificate settings: which host's
      // settings (if any) the handshake asked by, and the certificate, verified on first use.
      ctx.channel().attr(EdgeTls.CLIENT_CERTIFICATE)
          .set(HandshakeCertificate.of(serverName, clientAuth, ssl.engine()));
    }
    try {
      ctx.pipeline().replace(this, SSL_STEP, ssl);
    } catch (RuntimeException e) {
      // Never in the pipeline, so no pipeline teardown releases the engine (OpenSSL's are
      // reference-counted, see ReleasedWhenUnreachable).
      ReferenceCountUtil.release(ssl.engine());
      throw e;
    }
    EdgeTls.Handshakes handshakes = listener.handshakes();
    if (handshakes != EdgeTls.Handshakes.NONE) {
      ssl.handshakeFuture().addListener(done -> handshakes.finished(done.isSuccess()));
    }
  }
}
