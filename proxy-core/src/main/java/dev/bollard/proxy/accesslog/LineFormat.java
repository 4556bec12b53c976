package dev.bollard.proxy.accesslog;

/**
 * Turns completed facts into one line (without the newline), straight into the writer thread's
 * {@link LineBuffer}. Runs on the writer thread.
 */
interface LineFormat {

  void append(RequestFacts facts, LineBuffer out);

  /** The request target's path (without the query), as a piece of the current value. */
  static void path(RequestFacts f, LineBuffer out) {
    String uri = f.uri();
    int q = uri.indexOf('?');
    out.piece(uri, 0, q < 0 ? uri.length() : q);
  }

  /**
   * The query as the redaction policy allows it, as a piece of the current value; nothing when
   * there is none or it is dropped.
   *
   * @param withMark whether a non-empty query is preceded by {@code ?}
   */
  static void query(RequestFacts f, LineBuffer out, boolean withMark) {
    String uri = f.uri();
    int q = uri.indexOf('?');
    QueryRedaction policy = f.settings().query();
    if (q < 0 || q + 1 == uri.length() || policy.dropQuery()) {
      return;
    }
    if (policy.redactedParams().isEmpty()) {
      if (withMark) {
        out.piece("?");
      }
      out.piece(uri, q + 1, uri.length());
      return;
    }
    String kept = policy.apply(uri.substring(q + 1));
    if (!kept.isEmpty()) {
      if (withMark) {
        out.piece("?");
      }
      out.piece(kept);
    }
  }

  /**
   * nginx's {@code $request_completion}: {@code OK} when the client got its whole response, empty
   * when the proxy cut it short (the upstream broke mid-response) or the client left (499).
   */
  static String completion(RequestFacts f) {
    return f.responseComplete() ? "OK" : "";
  }
}
