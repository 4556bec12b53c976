package dev.bollard.proxy.handler;

import io.netty.handler.codec.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;

/** The size of a decoded response head, for {@code proxy-buffer-size}. */
final class ResponseHeads {

  private ResponseHeads() {}

  /**
   * The bytes of {@code response}'s head as HTTP/1.1 writes it: status line, each field as {@code
   * name: value} and CRLF, the empty line. Counted only for routes that bound it (it walks every
   * field).
   */
  static long size(HttpResponse response) {
    // "HTTP/1.1 200 " and the reason, CRLF; the empty line that ends the head
    long n = 13 + response.status().reasonPhrase().length() + 2 + 2;
    Iterator<Map.Entry<CharSequence, CharSequence>> fields =
        response.headers().iteratorCharSequence();
    while (fields.hasNext()) {
      Map.Entry<CharSequence, CharSequence> field = fields.next();
      n += field.getKey().length() + 2 + field.getValue().length() + 2;
    }
    return n;
  }
}
