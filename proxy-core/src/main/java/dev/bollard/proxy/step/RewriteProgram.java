package dev.bollard.proxy.step;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.bollard.proxy.config.RouteFeature;
import dev.bollard.proxy.http.PlainResponses;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@code return} and {@code rewrite} directives of one snippet, run in order as nginx's rewrite
 * module runs them: the first {@code return}, or {@code rewrite} whose regex matches with a
 * redirecting flag, answers; a matching {@code rewrite … break} stops the program and its
 * replacement becomes the upstream request's target. The regexes are RE2 ({@code re2j}: linear
 * time, no backtracking) compiled when the Ingress was translated, matched against the path as
 * routing normalised it (nginx's {@code $uri}).
 *
 * <p>Query arguments follow nginx: a replacement that ends in {@code ?} drops them, one that holds
 * a {@code ?} gets them after {@code &}, any other gets {@code ?args}.
 *
 * <p>A {@code server-snippet}'s program runs in {@link Phase#HOST_REDIRECT} (nginx's server
 * rewrite phase, before {@code app-root}'s {@code if}, written after the snippet), a {@code
 * configuration-snippet}'s in {@link Phase#REDIRECT}.
 *
 * @param instructions the directives in snippet order
 * @param server whether the snippet is the host's {@code server-snippet}
 */
public record RewriteProgram(List<Instruction> instructions, boolean server)
    implements RouteStep, RouteFeature {

  /** A location's ({@code configuration-snippet}) program. */
  public RewriteProgram(List<Instruction> instructions) {
    this(instructions, false);
  }

  /** One directive of the program. */
  public sealed interface Instruction {}

  /**
   * {@code return code [text|URL]}: for 301, 302, 303, 307 and 308 {@code value} is the location,
   * for any other code the body (text/plain; for 204 and 304 none; an empty one of a 4xx or 5xx
   * becomes the proxy's one-line {@code 403 Forbidden}).
   *
   * @param code the status
   * @param value the location or body
   */
  public record Return(int code, VariableTemplate value) implements Instruction {
    public Return {
      Objects.requireNonNull(value, "value");
      if (code < 200 || code > 599) {
        throw new IllegalArgumentException("code: " + code + " (expected: 200-599)");
      }
    }
  }

  /** What a matching {@code rewrite} does. */
  public enum Flag {
    /** 301 to the replacement. */
    PERMANENT,
    /** 302 to the replacement ({@code redirect}, or a replacement starting with a scheme). */
    REDIRECT,
    /** The replacement becomes the upstream target; later directives do not run. */
    BREAK
  }

  /**
   * {@code rewrite regex replacement flag}.
   *
   * @param regex the compiled regex
   * @param replacement the replacement, {@code $1}… its captures, a trailing {@code ?} removed
   * @param appendArgs whether the request's query is kept (false when the replacement ended in
   *     {@code ?})
   * @param flag what a match does
   */
  public record Rewrite(Regex regex, VariableTemplate replacement, boolean appendArgs, Flag flag)
      implements Instruction {
    public Rewrite {
      Objects.requireNonNull(regex, "regex");
      Objects.requireNonNull(replacement, "replacement");
      Objects.requireNonNull(flag, "flag");
    }
  }

  /** An RE2 regex compared by its source, so that equal snippets give equal steps. */
  public static final class Regex {
    private final String source;
    private final Pattern pattern;

    private Regex(String source, Pattern pattern) {
      this.source = source;
      this.pattern = pattern;
    }

    /**
     * Compiles {@code source} with RE2 syntax (case-sensitive, as nginx's {@code rewrite}).
     *
     * @throws IllegalArgumentException if RE2 cannot compile it (look-arounds and back-references
     *     are not RE2)
     */
    public static Regex compile(String source) {
      try {
        return new Regex(source, Pattern.compile(source));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("regex " + source + " is not valid RE2 syntax: "
            + e.getDescription() + " (look-arounds and back-references are not supported)", e);
      }
    }

    /** How many capture groups it has. */
    public int groupCount() {
      return pattern.groupCount();
    }

    Matcher matcher(String input) {
      return pattern.matcher(input);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Regex other && other.source.equals(source);
    }

    @Override
    public int hashCode() {
      return source.hashCode();
    }

    @Override
    public String toString() {
      return source;
    }
  }

  public RewriteProgram {
    instructions = List.copyOf(instructions);
    if (instructions.isEmpty()) {
      throw new IllegalArgumentException("instructions: empty (expected: at least one)");
    }
  }

  @Override
  public Phase phase() {
    return server ? Phase.HOST_REDIRECT : Phase.REDIRECT;
  }

  @Override
  public String name() {
    return "snippet-rewrite";
  }

  @Override
  public StepOutcome decide(StepRequest request) {
    for (Instruction instruction : instructions) {
      if (instruction instanceof Return r) {
        return answer(request, r);
      }
      Rewrite w = (Rewrite) instruction;
      Matcher m = w.regex().matcher(request.path());
      if (!m.find()) {
        continue;
      }
      if (w.flag() == Flag.BREAK) {
        return StepOutcome.PASS;
      }
      String target = Redirect.absolute(request, target(request, w, m));
      return Redirect.answer(w.flag() == Flag.PERMANENT ? 301 : 302, target);
    }
    return StepOutcome.PASS;
  }

  @Override
  public void toUpstream(StepRequest request, HttpRequest upstream) {
    // decide passed, so no return came before the first matching rewrite, and it breaks.
    for (Instruction instruction : instructions) {
      if (instruction instanceof Rewrite w && w.flag() == Flag.BREAK) {
        Matcher m = w.regex().matcher(request.path());
        if (m.find()) {
          String target = target(request, w, m);
          upstream.setUri(target.startsWith("/") ? target : "/" + target);
          return;
        }
      }
    }
  }

  private static StepOutcome answer(StepRequest request, Return r) {
    if (Redirect.CODES.contains(r.code())) {
      return Redirect.answer(r.code(),
          Redirect.absolute(request, r.value().expand(request, VariableTemplate.Context.URI)));
    }
    HttpResponseStatus status = HttpResponseStatus.valueOf(r.code());
    if (r.code() == 204 || r.code() == 304) {
      // No body and no Content-Length may go with these.
      return (StepOutcome.Answer) keep -> {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status);
        if (!keep) {
          response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
      };
    }
    String body = r.value().expand(request, VariableTemplate.Context.HEADER);
    if (body.isEmpty() && r.code() >= 400) {
      // nginx sends its error page for a bare "return 403;": here the proxy's own one line.
      body = r.code() + " " + status.reasonPhrase() + "\n";
    }
    String text = body;
    return (StepOutcome.Answer) keep -> PlainResponses.text(status, text, keep);
  }

  private static String target(StepRequest request, Rewrite w, Matcher m) {
    String target = w.replacement().expand(request, VariableTemplate.Context.URI, m);
    if (!w.appendArgs()) {
      return target;
    }
    String uri = request.originUri();
    int q = uri.indexOf('?');
    if (q < 0 || q == uri.length() - 1) {
      return target;
    }
    return target + (target.indexOf('?') >= 0 ? "&" : "?") + uri.substring(q + 1);
  }

  @Override
  public String toString() {
    return name() + " " + instructions;
  }
}
