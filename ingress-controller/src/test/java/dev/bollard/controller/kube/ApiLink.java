package dev.bollard.controller.kube;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback between one API client and the mock API server, so a test can take the
 * API away from that client: {@link #pause()} holds every byte (calls hang, as behind a dead
 * network path), {@link #cut()} drops every connection and every new one (calls fail at once, as
 * while the API server restarts), {@link #resume()} brings it back.
 */
final class ApiLink implements AutoCloseable {

  private enum State { OPEN, PAUSED, CUT }

  private final int target;
  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Object gate = new Object();
  private volatile State state = State.OPEN;
  private volatile boolean closed;

  ApiLink(int targetPort) throws IOException {
    this.target = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon("api-link-accept", this::acceptLoop).start();
  }

  /** The master URL a client of this link uses. */
  String url() {
    return "http://127.0.0.1:" + listener.getLocalPort() + "/";
  }

  /** Holds every byte in both directions until {@link #resume()}. */
  void pause() {
    state = State.PAUSED;
  }

  /** Drops every open connection, and every new one until {@link #resume()}. */
  void cut() {
    state = State.CUT;
    for (Socket s : sockets) {
      closeQuietly(s);
    }
  }

  void resume() {
    synchronized (gate) {
      state = State.OPEN;
      gate.notifyAll();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      if (state == State.CUT) {
        closeQuietly(client);
        continue;
      }
      try {
        Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
        sockets.add(client);
        sockets.add(server);
        daemon("api-link-up", () -> pump(client, server)).start();
        daemon("api-link-down", () -> pump(server, client)).start();
      } catch (IOException e) {
        closeQuietly(client);
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (!passable()) {
          break;
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // The other side went away, or the link was cut or closed: drop both ends.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  /** Waits while paused; false once the link is cut or closed. */
  private boolean passable() throws InterruptedException {
    synchronized (gate) {
      while (state == State.PAUSED && !closed) {
        gate.wait(100);
      }
    }
    return state == State.OPEN && !closed;
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    for (Socket s : sockets) {
      closeQuietly(s);
    }
    resume();
  }
}
