package dev.bollard.controller.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/** What the end-to-end tests do over plain sockets and files, in one place. */
public final class RawHttp {

  private RawHttp() {}

  /**
   * One HTTP/1.1 {@code GET} on a fresh loopback connection, {@code Connection: close}; returns
   * the raw response (status line, headers, body) as the server sent it.
   */
  public static String get(int port, String host, String path) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * Writes {@code text} to {@code dir/name} the way an editor does: aside first, then renamed
   * over the file, so a watcher never reads half a file.
   */
  public static void replaceFile(Path dir, String name, String text) throws IOException {
    Path temp = dir.resolve("." + name + ".tmp");
    Files.writeString(temp, text);
    Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Accepts connections on {@code server} until it is closed, on one of {@code threads}, and
   * hands each connection to {@code answer} on another: a backend of raw bytes.
   */
  public static void answerEach(ServerSocket server, ExecutorService threads,
      Consumer<Socket> answer) {
    threads.execute(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          threads.execute(() -> answer.accept(s));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  /**
   * Reads one message head up to and with its blank line ({@code \r\n\r\n}); what came before
   * the stream ended, if it ends first (empty at once: the peer closed).
   */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
      matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }
}
