package dev.bollard.proxy.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * One of the proxy server's listeners could not bind (the port is taken, the address is not
 * local): which listener, where, and why.
 */
public final class ListenerBindException extends UncheckedIOException {

  private static final long serialVersionUID = 1L;

  private final boolean https;
  private final InetSocketAddress address;

  ListenerBindException(boolean https, InetSocketAddress address, IOException cause) {
    super((https ? "HTTPS listener " : "proxy listener ") + address.getHostString() + ":"
        + address.getPort() + ": " + cause.getMessage(), cause);
    this.https = https;
    this.address = address;
  }

  /** Whether the HTTPS listener failed; otherwise the plain one. */
  public boolean https() {
    return https;
  }

  /** The address it tried to bind. */
  public InetSocketAddress address() {
    return address;
  }
}
