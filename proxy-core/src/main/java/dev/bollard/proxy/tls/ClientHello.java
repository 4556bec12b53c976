package dev.bollard.proxy.tls;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What the certificate choice needs from a TLS ClientHello: the SNI host name and the ALPN
 * protocols offered. Parsed by hand because the choice depends on both, and Netty's SNI handler
 * only exposes the first.
 *
 * @param serverName the SNI host name, lower case, or {@code null} when the client sent none
 * @param protocols the ALPN protocols offered, in the client's order; empty when none
 */
record ClientHello(@Nullable String serverName, List<String> protocols) {

  private static final int SERVER_NAME = 0;
  private static final int ALPN = 16;

  ClientHello {
    protocols = List.copyOf(protocols);
  }

  /**
   * Reads the ClientHello body as {@code SslClientHelloHandler} hands it over (after the handshake
   * header). Malformed input yields what could be read; the TLS engine rejects it afterwards.
   */
  static ClientHello parse(ByteBuf hello) {
    @Nullable String serverName = null;
    List<String> protocols = new ArrayList<>();
    int offset = hello.readerIndex();
    int end = hello.writerIndex();
    try {
      offset += 2 + 32; // client_version, random
      offset += 1 + hello.getUnsignedByte(offset); // session_id
      offset += 2 + hello.getUnsignedShort(offset); // cipher_suites
      offset += 1 + hello.getUnsignedByte(offset); // compression_methods
      if (end - offset < 2) {
        return new ClientHello(null, List.of());
      }
      int extensionsEnd = Math.min(end, offset + 2 + hello.getUnsignedShort(offset));
      offset += 2;
      while (extensionsEnd - offset >= 4) {
        int type = hello.getUnsignedShort(offset);
        int length = hello.getUnsignedShort(offset + 2);
        offset += 4;
        if (extensionsEnd - offset < length) {
          break;
        }
        if (type == SERVER_NAME) {
          serverName = serverName(hello, offset, offset + length);
        } else if (type == ALPN) {
          protocols = protocols(hello, offset, offset + length);
        }
        offset += length;
      }
    } catch (IndexOutOfBoundsException e) {
      // Truncated hello: keep what was read.
    }
    return new ClientHello(serverName, protocols);
  }

  private static @Nullable String serverName(ByteBuf in, int offset, int end) {
    int listEnd = Math.min(end, offset + 2 + in.getUnsignedShort(offset));
    offset += 2;
    while (listEnd - offset >= 3) {
      int type = in.getUnsignedByte(offset);
      int length = in.getUnsignedShort(offset + 1);
      offset += 3;
      if (listEnd - offset < length) {
        return null;
      }
      if (type == 0) {
        String name = in.toString(offset, length, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
      }
      offset += length;
    }
    return null;
  }

  private static List<String> protocols(ByteBuf in, int offset, int end) {
    List<String> out = new ArrayList<>();
    int listEnd = Math.min(end, offset + 2 + in.getUnsignedShort(offset));
    offset += 2;
    while (listEnd - offset >= 1) {
      int length = in.getUnsignedByte(offset);
      offset += 1;
      if (listEnd - offset < length) {
        break;
      }
      out.add(in.toString(offset, length, StandardCharsets.US_ASCII));
      offset += length;
    }
    return out;
  }
}
