package dev.bollard.proxy.step;

import dev.bollard.proxy.accesslog.RequestFacts;
import dev.bollard.proxy.guard.GuardVerdict;
import dev.bollard.proxy.guard.RequestGuard;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;

/**
 * What the step tests' requests share: {@code head} for {@code host} (also the authority), its
 * path and origin form read from the head's target, over plain HTTP from loopback, no access-log
 * facts ({@link #facts} throws), no server services, the guard open and not to be changed ({@link
 * #guardVerdict(GuardVerdict)} throws). A test's request overrides what it varies.
 */
abstract class TestStepRequest implements StepRequest {

  private final String host;
  private final HttpRequest head;

  TestStepRequest(String host, HttpRequest head) {
    this.host = host;
    this.head = head;
  }

  @Override
  public HttpRequest head() {
    return head;
  }

  @Override
  public String authority() {
    return host;
  }

  @Override
  public String host() {
    return host;
  }

  /** {@link #rawPath}: the tests' targets need no normalising. */
  @Override
  public String path() {
    return rawPath();
  }

  /** The head's target without its query. */
  @Override
  public String rawPath() {
    String uri = head.uri();
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  @Override
  public String originUri() {
    return head.uri();
  }

  @Override
  public boolean secure() {
    return false;
  }

  @Override
  public InetAddress client() {
    return InetAddress.getLoopbackAddress();
  }

  @Override
  public RequestFacts facts() {
    throw new UnsupportedOperationException();
  }

  @Override
  public StepServices services() {
    return StepServices.NONE;
  }

  @Override
  public GuardVerdict guardVerdict() {
    return RequestGuard.OPEN;
  }

  @Override
  public void guardVerdict(GuardVerdict verdict) {
    throw new UnsupportedOperationException();
  }
}
