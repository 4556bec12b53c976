package dev.bollard.proxy.handler;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Netty's response encoder for a client connection, told each request's method by {@link
 * RequestValidatorHeadScanner} as {@code HttpServerCodec}'s decoder tells its encoder: a response
 * to {@code HEAD} has no body, a 2xx to {@code CONNECT} loses {@code Transfer-Encoding}. Interim
 * (1xx) responses answer no request of their own.
 *
 * <p>The methods of pipelined requests wait in order: two bits each in a {@code long} (32 of
 * them), the rest in a queue made only when a client pipelines deeper than that. At most {@link
 * #MAX_PIPELINE_DEPTH} requests may await their responses, as in Netty's codec.
 */
final class ClientResponseEncoder extends HttpResponseEncoder {

  private static final byte OTHER = 0;
  private static final byte HEAD = 1;
  private static final byte CONNECT = 2;
  private static final int INLINE = Long.SIZE / 2;
  /** Netty's {@code HttpServerCodec} default: a request beyond it is an error. */
  static final int MAX_PIPELINE_DEPTH = 128;

  private long methods;
  private byte queued;
  /** The method of the response being encoded. */
  private byte method;
  private @Nullable ArrayDeque<Byte> overflow;

  /**
   * A request with {@code requestMethod} was decoded; its response will come in turn. False when
   * {@link #MAX_PIPELINE_DEPTH} requests already await theirs (nothing was queued).
   */
  boolean requestDecoded(HttpMethod requestMethod) {
    byte flag = HttpMethod.HEAD.equals(requestMethod)
        ? HEAD
        : HttpMethod.CONNECT.equals(requestMethod) ? CONNECT : OTHER;
    ArrayDeque<Byte> more = overflow;
    if (more != null && !more.isEmpty() || queued == INLINE) {
      if (more == null) {
        more = new ArrayDeque<>(4);
        overflow = more;
      }
      if (queued + more.size() >= MAX_PIPELINE_DEPTH) {
        return false;
      }
      more.add(flag);
      return true;
    }
    methods |= (long) flag << (2 * queued);
    queued++;
    return true;
  }

  private byte nextMethod() {
    if (queued == 0) {
      return OTHER;
    }
    byte flag = (byte) (methods & 3);
    methods >>>= 2;
    queued--;
    ArrayDeque<Byte> more = overflow;
    if (more != null && !more.isEmpty()) {
      methods |= (long) more.poll() << (2 * queued);
      queued++;
      if (more.isEmpty()) {
        overflow = null;
      }
    }
    return flag;
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpResponse msg) {
    if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      return super.isContentAlwaysEmpty(msg);
    }
    method = nextMethod();
    return method == HEAD || super.isContentAlwaysEmpty(msg);
  }

  @Override
  protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
    if (!isAlwaysEmpty && method == CONNECT
        && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
      msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
      return;
    }
    super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
  }
}
