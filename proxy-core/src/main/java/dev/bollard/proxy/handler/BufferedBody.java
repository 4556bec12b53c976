package dev.bollard.proxy.handler;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.channels.FileChannel;
import org.jspecify.annotations.Nullable;

/**
 * A whole request body read by a {@link BodySpool}: its first bytes in memory, the rest (if any) in
 * an unlinked temporary file. Sent upstream with a {@code Content-Length} (a chunked request goes up
 * with its length known, as nginx sends a buffered body): handed on by its last write, or released.
 * A write that keeps it ({@link #writeTo(Channel, boolean)}) lets it be sent again to the next
 * endpoint ({@code proxy-next-upstream}).
 */
final class BufferedBody {

  private final ByteBuf memory;
  private final @Nullable FileChannel file;
  private final long fileBytes;
  private final BodyFileSpace space;
  private boolean handedOn;

  /**
   * @param memory the first bytes of the body (owned from now on)
   * @param file the rest, from position 0, or {@code null} (owned from now on)
   * @param fileBytes how many bytes the file holds, taken from {@code space} (given back when the
   *     file is closed)
   */
  BufferedBody(ByteBuf memory, @Nullable FileChannel file, long fileBytes, BodyFileSpace space) {
    this.memory = memory;
    this.file = file;
    this.fileBytes = fileBytes;
    this.space = space;
  }

  /** The body's length in bytes. */
  long length() {
    return memory.readableBytes() + fileBytes;
  }

  /** Frames the upstream head for this body: its length, no {@code Transfer-Encoding}. */
  void frame(HttpHeaders upstream) {
    upstream.remove(HttpHeaderNames.TRANSFER_ENCODING);
    upstream.set(HttpHeaderNames.CONTENT_LENGTH, length());
  }

  /**
   * Writes the body and the end of the request to {@code upstream} (after its head, not flushed);
   * the file goes as a file region (sendfile where the transport has it).
   *
   * @return the write of the file region, reporting its progress (a region does not count
   *     toward the channel's writability), or {@code null} when the body is all in memory
   */
  @Nullable ChannelProgressivePromise writeTo(Channel upstream) {
    return writeTo(upstream, false);
  }

  /**
   * Writes the body like {@link #writeTo(Channel)}; with {@code keep} the body stays owned here,
   * to be written again or {@link #release() released}.
   */
  @Nullable ChannelProgressivePromise writeTo(Channel upstream, boolean keep) {
    handedOn = !keep;
    upstream.write(new DefaultHttpContent(keep ? memory.retainedDuplicate() : memory));
    ChannelProgressivePromise region = null;
    if (file != null && fileBytes > 0) {
      // The region closes the file when written (or failed), which frees its disk space; a kept
      // body's region leaves the file open for the next write.
      region = upstream.newProgressivePromise();
      upstream.write(keep ? new KeptRegion(file, fileBytes) : new SpooledRegion(file, fileBytes,
          space), region);
    } else if (!keep) {
      closeFile();
    }
    upstream.write(LastHttpContent.EMPTY_LAST_CONTENT);
    return region;
  }

  /** Frees memory and file if the body was never written (the exchange ended before). */
  void release() {
    if (handedOn) {
      return;
    }
    handedOn = true;
    memory.release();
    closeFile();
  }

  private void closeFile() {
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        // Unlinked already: closing only returns the descriptor and the disk space.
      }
      space.giveBack(fileBytes);
    }
  }

  /** The file part of a kept body on its way upstream: the file stays open. */
  private static final class KeptRegion extends DefaultFileRegion {
    KeptRegion(FileChannel file, long bytes) {
      super(file, 0, bytes);
    }

    @Override
    protected void deallocate() {
      // The body owns the file and closes it when released.
    }
  }

  /** The file part of a body on its way upstream: closing it gives its space back. */
  private static final class SpooledRegion extends DefaultFileRegion {
    private final BodyFileSpace space;
    private final long bytes;

    SpooledRegion(FileChannel file, long bytes, BodyFileSpace space) {
      super(file, 0, bytes);
      this.space = space;
      this.bytes = bytes;
    }

    @Override
    protected void deallocate() {
      super.deallocate();
      space.giveBack(bytes);
    }
  }
}
