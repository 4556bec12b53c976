package dev.bollard.proxy.tls;

import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import javax.net.ssl.SSLEngine;

/**
 * A reference-counted OpenSSL server context ({@code SslProvider.OPENSSL_REFCNT}) that gives back
 * its own reference once nothing holds this wrapper any more: the caches, the default certificate
 * and connections' attributes hold the wrapper, each engine made from it holds a reference of its
 * own (released by its {@link SslHandler} when the connection's pipeline is torn down), so the
 * native context lives as long as the last of them.
 *
 * <p>Why not {@code SslProvider.OPENSSL}: its engines ({@code OpenSslEngine}) each have a
 * finalizer. One engine per TLS connection made every young collection find, keep alive and
 * promote thousands of finalizable engines (with what they reference) for the finalizer thread to
 * release later: 9-17 ms of each young pause at ~1,900 handshakes per second (docs/benchmarks.md,
 * "TLS handshakes (issue 19, sixth session)"). The reference-counted engines have no finalizer;
 * only the few contexts are left to the garbage collector, through a {@link Cleaner}.
 */
final class ReleasedWhenUnreachable extends DelegatingSslContext {

  private static final Cleaner CLEANER = Cleaner.create();

  /** Wraps {@code counted} (whose reference the caller hands over). */
  ReleasedWhenUnreachable(SslContext counted) {
    super(counted);
    // The action holds the context, never this wrapper, or the wrapper could not become
    // unreachable.
    CLEANER.register(this, () -> ReferenceCountUtil.release(counted));
  }

  @Override
  protected void initEngine(SSLEngine engine) {
    // Runs after the wrapped context made (and retained itself for) the engine: this wrapper, and
    // with it the context's own reference, is reachable until then.
    Reference.reachabilityFence(this);
  }

  @Override
  protected void initHandler(SslHandler handler) {
    Reference.reachabilityFence(this);
  }
}
