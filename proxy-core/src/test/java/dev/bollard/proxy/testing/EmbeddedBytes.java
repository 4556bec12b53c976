package dev.bollard.proxy.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/** HTTP bytes into and out of an {@link EmbeddedChannel}, as ISO-8859-1 text. */
public final class EmbeddedBytes {

  private EmbeddedBytes() {}

  /** {@code raw} as a buffer to write inbound, one byte per character. */
  public static ByteBuf bytes(String raw) {
    return Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1);
  }

  /** Everything {@code channel} wrote so far, as text; the buffers are released. */
  public static String outbound(EmbeddedChannel channel) {
    StringBuilder text = new StringBuilder();
    for (Object o; (o = channel.readOutbound()) != null; ) {
      text.append(((ByteBuf) o).toString(StandardCharsets.ISO_8859_1));
      ReferenceCountUtil.release(o);
    }
    return text.toString();
  }
}
