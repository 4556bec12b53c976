package dev.bollard.proxy.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A response read by {@link RawHttpConnection}.
 *
 * @param status the status code
 * @param headers header values by lower-case name, in order
 * @param body the body (empty when it was streamed elsewhere)
 * @param bodyLength the body's length in bytes, streamed or not
 * @param trailers the trailer fields of a chunked body by lower-case name, in order
 */
public record RawResponse(
    int status, Map<String, List<String>> headers, byte[] body, long bodyLength,
    Map<String, List<String>> trailers) {

  /** The first value of a trailer field, or null. */
  public @Nullable String trailer(String name) {
    List<String> values = trailers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The first value of a header, or null. */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The body as UTF-8 text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
