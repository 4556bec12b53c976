package dev.bollard.proxy.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/** Normalises request paths for matching; the slow path of {@link RequestPaths#normalizePath}. */
final class PathNormalizer {

  private PathNormalizer() {}

  static String normalize(String raw) {
    String decoded = percentDecode(raw);
    Deque<String> segments = new ArrayDeque<>();
    boolean trailingSlash = false;
    for (String segment : decoded.split("/", -1)) {
      trailingSlash = false;
      switch (segment) {
        case "", "." -> trailingSlash = true;
        case ".." -> {
          segments.pollLast();
          trailingSlash = true;
        }
        default -> segments.addLast(segment);
      }
    }
    StringBuilder out = new StringBuilder(decoded.length());
    for (String segment : segments) {
      out.append('/').append(segment);
    }
    if (out.length() == 0 || trailingSlash) {
      out.append('/');
    }
    return out.toString();
  }

  private static String percentDecode(String raw) {
    if (raw.indexOf('%') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%' && i + 2 < raw.length()) {
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi >= 0 && lo >= 0) {
          bytes.write(hi << 4 | lo);
          i += 2;
          continue;
        }
      }
      if (c < 0x80) {
        bytes.write(c);
      } else {
        int codePoint = raw.codePointAt(i);
        byte[] utf8 = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        bytes.write(utf8, 0, utf8.length);
        i += Character.charCount(codePoint) - 1;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
