package dev.bollard.proxy.step;

import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.headers.HeaderRules;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Header edits translated from a snippet ({@code more_set_headers}, {@code more_clear_headers},
 * {@code more_set_input_headers}, {@code more_clear_input_headers}, {@code add_header}, {@code
 * proxy_set_header}, {@code proxy_hide_header}): like {@link HeaderEdits}, with nginx variables in values (expanded per
 * request from templates compiled at translation), headers-more's {@code -s} (status) and {@code
 * -t} (content type) conditions, {@code -r} (replace only), {@code *} name prefixes, and {@code
 * add_header}'s status rule.
 *
 * <p>A value that expands to nothing removes the header (headers-more and {@code proxy_set_header}
 * do the same; {@code add_header} adds nothing).
 *
 * @param request edits of the upstream request, in order
 * @param response edits of the client response (the upstream's or one the proxy made), in order
 * @param hidden headers removed from upstream responses only ({@code proxy_hide_header}), before
 *     the response edits
 */
public record HeaderTemplates(List<Edit> request, List<Edit> response, List<String> hidden)
    implements RouteStep, RouteFeature {

  /** nginx's {@code add_header} adds only to these statuses unless {@code always}. */
  public static final Set<Integer> ADD_HEADER_STATUSES =
      Set.of(200, 201, 204, 206, 301, 302, 303, 304, 307, 308);

  /**
   * One edit.
   *
   * @param op set (replace), add (append) or clear
   * @param name the header name, or for a prefix the part before {@code *}
   * @param prefix whether {@code name} is a prefix ({@code X-Hidden-*}), only for clear
   * @param value the value ({@link VariableTemplate#literal} {@code ""} for clear)
   * @param statuses only responses with one of these statuses; empty: any
   * @param types only messages whose {@code Content-Type} media type is one of these (lower case);
   *     empty: any
   * @param onlyIfPresent only when the header is already there ({@code -r})
   */
  public record Edit(HeaderRules.Op op, String name, boolean prefix, VariableTemplate value,
      Set<Integer> statuses, List<String> types, boolean onlyIfPresent) {
    public Edit {
      Objects.requireNonNull(op, "op");
      Objects.requireNonNull(value, "value");
      statuses = Set.copyOf(statuses);
      types = types.stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
      if (prefix && op != HeaderRules.Op.CLEAR) {
        throw new IllegalArgumentException("name: " + name + "* (expected: a prefix only to clear)");
      }
      // The name and the literal part of the value are checked by the header rules' own rules.
      new HeaderRules.Rule(HeaderRules.Op.SET, prefix ? name + "x" : name, value.literalText());
    }

    /** Sets {@code name} to {@code value} on every message. */
    public static Edit set(String name, VariableTemplate value) {
      return new Edit(HeaderRules.Op.SET, name, false, value, Set.of(), List.of(), false);
    }
  }

  public HeaderTemplates {
    request = List.copyOf(request);
    response = List.copyOf(response);
    hidden = List.copyOf(hidden);
    for (String name : hidden) {
      new HeaderRules.Rule(HeaderRules.Op.CLEAR, name, "");
    }
  }

  /**
   * The request edits of {@code proxy-set-headers}: each entry set on the request sent upstream
   * ({@code proxy_set_header}; a value that expands to nothing removes the header).
   *
   * @throws IllegalArgumentException for a bad name, a protected one or an unknown variable
   */
  public static HeaderTemplates setOnRequest(Map<String, String> entries) {
    return new HeaderTemplates(setAll(entries), List.of(), List.of());
  }

  /**
   * The response edits of {@code add-headers} and {@code hide-headers}: each entry set on every
   * response to clients, whatever its status (ingress-nginx's {@code more_set_headers} at http
   * level), and {@code hidden} removed from upstream responses first.
   *
   * @throws IllegalArgumentException for a bad name, a protected one or an unknown variable
   */
  public static HeaderTemplates setOnResponse(Map<String, String> entries, List<String> hidden) {
    return new HeaderTemplates(List.of(), setAll(entries), hidden);
  }

  /** One {@link Edit#set} per entry, in the map's order. */
  public static List<Edit> setAll(Map<String, String> entries) {
    List<Edit> out = new ArrayList<>(entries.size());
    entries.forEach((name, value) -> out.add(Edit.set(name, VariableTemplate.parse(value, 0))));
    return out;
  }

  /** Edits without hidden upstream headers. */
  public HeaderTemplates(List<Edit> request, List<Edit> response) {
    this(request, response, List.of());
  }

  @Override
  public Phase phase() {
    return Phase.HEADERS;
  }

  @Override
  public String name() {
    return "snippet-headers";
  }

  @Override
  public void toUpstream(StepRequest request, HttpRequest upstream) {
    if (this.request.isEmpty()) {
      return;
    }
    @Nullable String type = null; // read once, and only when an edit asks
    for (Edit e : this.request) {
      if (!e.types().isEmpty()) {
        type = type == null ? mediaType(upstream.headers()) : type;
        if (!e.types().contains(type)) {
          continue;
        }
      }
      apply(e, request, upstream.headers());
    }
  }

  @Override
  public void fromUpstream(StepRequest request, HttpResponse response) {
    for (String name : hidden) {
      response.headers().remove(name);
    }
  }

  @Override
  public void toClient(StepRequest request, HttpResponse response) {
    if (this.response.isEmpty()) {
      return;
    }
    int status = response.status().code();
    @Nullable String type = null; // read once, and only when an edit asks
    for (Edit e : this.response) {
      if (!e.statuses().isEmpty() && !e.statuses().contains(status)) {
        continue;
      }
      if (!e.types().isEmpty()) {
        type = type == null ? mediaType(response.headers()) : type;
        if (!e.types().contains(type)) {
          continue;
        }
      }
      apply(e, request, response.headers());
    }
  }

  private static void apply(Edit e, StepRequest request, HttpHeaders headers) {
    if (e.onlyIfPresent() && !headers.contains(e.name())) {
      return;
    }
    switch (e.op()) {
      case CLEAR -> clear(e, headers);
      case SET -> {
        String value = e.value().expand(request, VariableTemplate.Context.HEADER);
        if (value.isEmpty()) {
          headers.remove(e.name());
        } else {
          headers.set(e.name(), value);
        }
      }
      case ADD -> {
        String value = e.value().expand(request, VariableTemplate.Context.HEADER);
        if (!value.isEmpty()) {
          headers.add(e.name(), value);
        }
      }
      default -> throw new AssertionError(e.op());
    }
  }

  private static void clear(Edit e, HttpHeaders headers) {
    if (!e.prefix()) {
      headers.remove(e.name());
      return;
    }
    List<String> doomed = new ArrayList<>();
    for (String n : headers.names()) {
      if (n.regionMatches(true, 0, e.name(), 0, e.name().length())
          && !HeaderRules.isProtected(n)) {
        doomed.add(n);
      }
    }
    for (String n : doomed) {
      headers.remove(n);
    }
  }

  private static String mediaType(HttpHeaders headers) {
    @Nullable String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
    if (type == null) {
      return "";
    }
    int semi = type.indexOf(';');
    return (semi < 0 ? type : type.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
  }
}
