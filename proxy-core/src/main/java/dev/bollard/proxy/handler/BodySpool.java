package dev.bollard.proxy.handler;

import dev.bollard.proxy.config.GlobalSettings.BodyBuffering;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request body whole before any upstream connection is taken (request buffering, as
 * ingress-nginx's {@code proxy-request-buffering on}): a client that sends its body slowly then
 * holds a bounded piece of proxy memory and a file descriptor, never a backend connection.
 *
 * <p>The first {@code memoryBytes} of the body are copied into one buffer of at most that size;
 * the rest goes to a temporary file that is unlinked as soon as it is open (nothing is left behind
 * after a crash, and closing it frees the disk space). The file holds at most {@code
 * proxy-body-size} bytes: a chunked body that grows past it gets 413 at once and the connection
 * closes. The files of all bodies together hold at most the policy's {@code fileBytes} ({@link
 * BodyFileSpace}): a body that would need more gets 503. A body that arrives in one piece with its head (the usual small request) is kept as
 * decoded, without a copy. File writes run on the event loop, like nginx's; they go to the page
 * cache.
 *
 * <p>When the last piece arrives the {@link BufferedBody} goes to the {@link ProxyHandler}, which
 * relays the request with it.
 */
final class BodySpool implements Exchange {

  private static final Logger log = LoggerFactory.getLogger(BodySpool.class);

  private final ProxyHandler owner;
  private final ByteBufAllocator alloc;
  private final ClientRequest request;
  private final boolean keepAlive;
  private final int memoryBytes;
  private final long maxBodyBytes;
  private final long fileLimit;
  private final BodyFileSpace space;
  private final Path directory;
  private @Nullable ByteBuf memory;
  private @Nullable FileChannel file;
  private long fileBytes;
  private long bodyBytes;
  /** The body is complete, refused, or the client left: nothing more is stored. */
  private boolean done;

  /**
   * @param keepAlive whether the connection may stay open after the response (handed back)
   * @param buffering how much of the body is kept in memory, and how much all files may hold
   * @param maxBodyBytes the largest body ({@code proxy-body-size}); 0 for no limit
   * @param space the disk space the files of all buffered bodies hold
   * @param directory where the temporary file is made
   */
  BodySpool(ProxyHandler owner, ByteBufAllocator alloc, ClientRequest request, boolean keepAlive,
      BodyBuffering buffering, long maxBodyBytes, BodyFileSpace space, Path directory) {
    this.owner = owner;
    this.alloc = alloc;
    this.request = request;
    this.keepAlive = keepAlive;
    this.memoryBytes = buffering.memoryBytes();
    this.fileLimit = buffering.fileBytes();
    this.maxBodyBytes = maxBodyBytes;
    this.space = space;
    this.directory = directory;
  }

  @Override
  public void fromClient(HttpContent content) {
    if (done) {
      content.release();
      return;
    }
    ByteBuf bytes = content.content();
    int n = bytes.readableBytes();
    bodyBytes += n;
    request.facts.bytesIn(n);
    boolean last = content instanceof LastHttpContent;
    if (maxBodyBytes > 0 && bodyBytes > maxBodyBytes) {
      // A body without Content-Length (chunked) that grew past the limit: like nginx, 413.
      content.release();
      refuse(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
          "request body larger than " + maxBodyBytes + " bytes (proxy-body-size)");
      return;
    }
    if (last && memory == null && file == null) {
      done = true;
      owner.bodyBuffered(this, new BufferedBody(bytes, null, 0, space), keepAlive);
      return;
    }
    try {
      if (!store(bytes)) {
        // BodyFileSpace logged running out, once.
        refuse(HttpResponseStatus.SERVICE_UNAVAILABLE,
            "no room to buffer the request body; try again later");
        return;
      }
    } catch (IOException e) {
      log.warn("Could not buffer the request body of {} {} in a temporary file under {}: {};"
              + " answering 500. Check that the directory (java.io.tmpdir) is writable and has"
              + " room, or turn proxy-request-buffering off.", request.head().method(),
          request.head().uri(), directory, e.toString());
      refuse(HttpResponseStatus.INTERNAL_SERVER_ERROR,
          "the request body could not be buffered");
      return;
    } finally {
      content.release();
    }
    if (last) {
      done = true;
      ByteBuf kept = memory != null ? memory : Unpooled.EMPTY_BUFFER;
      BufferedBody body = new BufferedBody(kept, file, fileBytes, space);
      memory = null;
      file = null;
      fileBytes = 0;
      owner.bodyBuffered(this, body, keepAlive);
    }
  }

  /** Keeps {@code bytes}; false if the files of buffered bodies have no room for them. */
  private boolean store(ByteBuf bytes) throws IOException {
    if (file == null) {
      ByteBuf m = memory;
      if (m == null) {
        m = alloc.buffer(Math.min(memoryBytes, Math.max(bytes.readableBytes(), 1024)),
            memoryBytes);
        memory = m;
      }
      int toMemory = Math.min(bytes.readableBytes(), m.maxWritableBytes());
      m.writeBytes(bytes, toMemory);
      if (!bytes.isReadable()) {
        return true;
      }
    }
    int n = bytes.readableBytes();
    if (!space.tryTake(n, fileLimit)) {
      return false;
    }
    // Counted before written: a failed open or write gives it back with the rest in discard().
    long at = fileBytes;
    fileBytes += n;
    FileChannel f = file;
    if (f == null) {
      f = open();
      file = f;
    }
    while (bytes.isReadable()) {
      at += bytes.readBytes(f, at, bytes.readableBytes());
    }
    return true;
  }

  private FileChannel open() throws IOException {
    Path path = Files.createTempFile(directory, "bollard-body-", ".tmp");
    try {
      // DELETE_ON_CLOSE unlinks the file right after opening it on Unix.
      return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
          StandardOpenOption.DELETE_ON_CLOSE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(path);
      throw e;
    }
  }

  private void refuse(HttpResponseStatus status, String detail) {
    done = true;
    discard();
    owner.refuseBody(this, PlainResponses.of(status, detail, false));
  }

  private void discard() {
    ByteBuf m = memory;
    memory = null;
    if (m != null) {
      m.release();
    }
    FileChannel f = file;
    file = null;
    if (f != null) {
      try {
        f.close();
      } catch (IOException e) {
        // Unlinked already: closing only returns the descriptor and the disk space.
      }
    }
    space.giveBack(fileBytes);
    fileBytes = 0;
  }

  @Override
  public boolean requestComplete() {
    return done;
  }

  @Override
  public boolean wantsClientData() {
    return !done;
  }

  @Override
  public void clientWritabilityChanged() {}

  @Override
  public void requestBroken(HttpResponseStatus status, String detail) {
    if (!done) {
      // Nothing went upstream: the backend never hears of this request.
      refuse(status, detail);
    }
  }

  @Override
  public void clientClosed() {
    if (done) {
      return;
    }
    done = true;
    discard();
    // The client left before its body was complete: nginx's 499; no backend saw anything.
    owner.telemetry().completed(request.facts, 499);
  }
}
