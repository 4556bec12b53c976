package dev.bollard.controller.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
}
