package dev.bollard.proxy.admin;

import java.util.function.Supplier;

/**
 * One more page of the admin listener, beyond its probes: a path answered with what {@code body}
 * makes, as {@code contentType}. The status page ({@code GET /}) and its data are two of these.
 *
 * @param contentType the {@code Content-Type} of every answer, e.g. {@code text/html;
 *     charset=utf-8}
 * @param body made for every GET on the admin event loop: cheap and non-blocking
 */
public record AdminPage(String contentType, Supplier<String> body) {

  /** A UTF-8 HTML page. */
  public static AdminPage html(Supplier<String> body) {
    return new AdminPage("text/html; charset=utf-8", body);
  }

  /** A JSON document. */
  public static AdminPage json(Supplier<String> body) {
    return new AdminPage("application/json", body);
  }
}
