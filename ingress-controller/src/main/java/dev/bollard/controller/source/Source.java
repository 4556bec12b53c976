package dev.bollard.controller.source;

import dev.bollard.controller.certs.CertificateWiring;
import dev.bollard.controller.translate.SourceRead;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the resources come from: a manifest directory ({@link DirectorySource}) or a cluster
 * ({@code source.cluster.KubernetesSource}). The one runtime ({@code cli.ProxyProcess}) asks
 * nothing else of either.
 *
 * <p>A source supplies four things: a {@link #read()} of its resources, a change signal ({@link
 * Signals#changed()}, for the rebuild scheduler), its health ({@link Signals#following}), and what
 * only one replica at a time may do ({@link #leadership()}, none for a directory). It also says
 * where certificates are kept ({@link #certificates}).
 */
public interface Source extends AutoCloseable {

  /** What a source tells the process while it runs; callable from any thread. */
  interface Signals {
    /** Something the translation may read changed: a rebuild is due. */
    void changed();

    /** Whether the source follows its resources now (watches up) or serves a stale view. */
    void following(boolean healthy);
  }

  /** {@code standalone} or {@code kubernetes}, as the status page shows it. */
  String mode();

  /**
   * Whether the process waits for the first rebuild before its proxy listens. A directory reads in
   * milliseconds; a cluster may be unreachable at start, and the proxy then listens anyway with
   * readiness off.
   */
  boolean awaitFirstRead();

  /**
   * The certificates of this source's world: the HTTPS edge and, with ACME on, the manager with
   * storage, lock and challenge answers of this kind of source. Called once, before {@link
   * #start}; the caller closes what it returns.
   */
  CertificateWiring certificates(CertificateWiring.Options options);

  /**
   * Starts following the resources.
   *
   * @return completes when {@link #read()} gives a complete view
   * @throws java.io.UncheckedIOException if the source cannot be read at all (the message names it)
   */
  CompletableFuture<Void> start(Signals signals);

  /** The resources now and the problems met reading them; empty while not ready. */
  Optional<SourceRead> read();

  /** What only the leader replica does, or empty where there is only one process. */
  Optional<Leadership> leadership();

  /** Stops following; closes what the source owns (an API client). */
  @Override
  void close();
}
