package dev.bollard.proxy.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An HTTP/1.1 client on a plain socket: it sends exactly the bytes it is given (any {@code Host},
 * {@code Connection} or {@code Expect}) and parses responses by {@code Content-Length}, chunked
 * coding or connection close. Reads time out after 10 seconds so a hung test fails.
 */
public final class RawHttpConnection implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttpConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = socket.getOutputStream();
  }

  /** Connects to 127.0.0.1:{@code port}. */
  public static RawHttpConnection open(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    return new RawHttpConnection(socket);
  }

  /** Sends text as is (use {@code \r\n}). */
  public RawHttpConnection send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  /** Sends bytes as is. */
  public RawHttpConnection send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Sends a bodiless GET for {@code path} to virtual host {@code host}. */
  public RawHttpConnection get(String host, String path) throws IOException {
    return send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
  }

  /** The raw output stream, for bodies generated on the fly. */
  public OutputStream output() {
    return out;
  }

  /** Reads one response (interim 1xx responses are returned too) with its whole body. */
  public RawResponse read() throws IOException {
    return read(null, false);
  }

  /** Reads the response to a HEAD request (no body whatever the headers say). */
  public RawResponse readHead() throws IOException {
    return read(null, true);
  }

  /**
   * Reads one response, streaming its body into {@code sink} instead of keeping it; the returned
   * body is empty and {@link RawResponse#bodyLength()} counts the bytes.
   */
  public RawResponse readStreaming(OutputStream sink) throws IOException {
    return read(sink, false);
  }

  private RawResponse read(@Nullable OutputStream sink, boolean head) throws IOException {
    String statusLine = readLine();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not a status line: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      headers
          .computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              k -> new ArrayList<>())
          .add(line.substring(colon + 1).trim());
    }
    Map<String, List<String>> trailers = new LinkedHashMap<>();
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    OutputStream target = sink != null ? sink : kept;
    long length = 0;
    boolean bodiless = head || status / 100 == 1 || status == 204 || status == 304;
    String te = first(headers, "transfer-encoding");
    String cl = first(headers, "content-length");
    if (bodiless) {
      // nothing
    } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
      while (true) {
        String sizeLine = readLine();
        int semi = sizeLine.indexOf(';');
        long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            trailers
                .computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>())
                .add(line.substring(colon + 1).trim());
          }
          break;
        }
        length += copy(size, target);
        readLine();
      }
    } else if (cl != null) {
      length = copy(Long.parseLong(cl), target);
    } else {
      length = copyToEnd(target);
    }
    return new RawResponse(status, headers, kept.toByteArray(), length, trailers);
  }

  private long copy(long size, OutputStream target) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new EOFException("body ended " + left + " bytes early");
      }
      target.write(buf, 0, n);
      left -= n;
    }
    return size;
  }

  private long copyToEnd(OutputStream target) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long total = 0;
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      target.write(buf, 0, n);
      total += n;
    }
    return total;
  }

  private String readLine() throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed; line so far: " + line);
      }
      if (c == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      line.append((char) c);
    }
  }

  /** Whether the server closed the connection: the next read sees end of stream. */
  public boolean isClosedByPeer() {
    try {
      return in.read() < 0;
    } catch (IOException e) {
      return true;
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static @Nullable String first(Map<String, List<String>> headers, String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
