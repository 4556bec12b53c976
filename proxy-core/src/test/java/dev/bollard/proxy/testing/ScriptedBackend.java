package dev.bollard.proxy.testing;

import dev.bollard.proxy.config.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on a plain {@link ServerSocket} that answers with exact bytes, for upstreams that
 * break HTTP (bad chunk sizes, an unasked {@code 101}, early closes). Each request head it reads
 * gets the next scripted answer; once the script runs out, a well-formed keep-alive {@code 200}
 * whose body is {@code fine}. A scripted answer may close the connection after it is written.
 * Request heads received are kept ({@link #heads()}); bodies are not read.
 */
public final class ScriptedBackend implements AutoCloseable {

  /** Bytes to send for one request, then maybe close the connection. */
  public record Answer(byte[] bytes, boolean close) {
    /** Sends {@code text} (use {@code \r\n}) and keeps the connection open. */
    public static Answer of(String text) {
      return new Answer(text.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    /** Sends {@code text}, then closes the connection. */
    public static Answer thenClose(String text) {
      return new Answer(text.getBytes(StandardCharsets.ISO_8859_1), true);
    }
  }

  /** The answer once the script is used up. */
  public static final String FINE =
      "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Type: text/plain\r\n\r\nfine";

  private final ServerSocket server;
  private final Queue<Answer> script = new ConcurrentLinkedQueue<>();
  private final List<String> heads = new CopyOnWriteArrayList<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final Thread acceptor;

  private ScriptedBackend(List<Answer> answers) throws IOException {
    script.addAll(answers);
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    acceptor = new Thread(this::accept, "scripted-backend");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Starts a backend on a free loopback port that answers with {@code answers}, in order. */
  public static ScriptedBackend start(Answer... answers) {
    try {
      return new ScriptedBackend(List.of(answers));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint to put in a snapshot. */
  public Endpoint endpoint() {
    return new Endpoint("127.0.0.1", server.getLocalPort());
  }

  /** TCP connections accepted so far. */
  public int connectionsAccepted() {
    return accepted.get();
  }

  /** The request heads received so far (request line and headers, CRLF-separated). */
  public List<String> heads() {
    return List.copyOf(heads);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        sockets.add(socket);
        Thread t = new Thread(() -> serve(socket), "scripted-backend-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      while (true) {
        String head = readHead(in);
        if (head == null) {
          return;
        }
        heads.add(head);
        Answer answer = script.poll();
        if (answer == null) {
          answer = Answer.of(FINE);
        }
        out.write(answer.bytes());
        out.flush();
        if (answer.close()) {
          return;
        }
      }
    } catch (IOException e) {
      // the proxy closed the connection: nothing more to serve on it
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < end.length) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    return text.substring(0, text.length() - 4);
  }

  @Override
  public void close() {
    try {
      server.close();
      for (Socket s : sockets) {
        s.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
