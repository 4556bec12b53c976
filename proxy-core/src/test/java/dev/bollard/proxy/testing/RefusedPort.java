package dev.bollard.proxy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port that refuses every connection for the life of the test JVM: a socket is bound to
 * it and never listens, so the kernel answers each connection with a reset and never hands the
 * port to anything else. (Closing a {@code ServerSocket} to find a "free" port raced with every
 * listener that binds port 0 after it: the proxy under test could get that port, and the "refused"
 * backend then answered.)
 */
public final class RefusedPort {

  private static final Socket HELD = bind();

  private RefusedPort() {}

  /** The port; connections to 127.0.0.1 on it are refused. */
  public static int port() {
    return HELD.getLocalPort();
  }

  private static Socket bind() {
    Socket socket = new Socket();
    try {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return socket;
  }
}
