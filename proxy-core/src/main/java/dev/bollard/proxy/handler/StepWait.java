package dev.bollard.proxy.handler;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;

/**
 * Stands in for a request's exchange while one of its steps works off the event loop (a password
 * being checked). Reading stops ({@link #wantsClientData()} is false); body pieces already decoded
 * are kept and handed to the real exchange once the step has decided, or released if the client
 * goes away.
 */
final class StepWait implements Exchange {

  private final ArrayDeque<HttpContent> pending = new ArrayDeque<>();
  private final RequestTelemetry telemetry;
  private final ClientRequest request;
  private boolean requestComplete;

  StepWait(RequestTelemetry telemetry, ClientRequest request) {
    this.telemetry = telemetry;
    this.request = request;
  }

  @Override
  public void fromClient(HttpContent content) {
    if (content instanceof LastHttpContent) {
      requestComplete = true;
    }
    pending.add(content);
  }

  /** Feeds the kept body to the exchange that replaced this one, or releases it. */
  void handOver(ProxyHandler owner, Exchange next) {
    while (!pending.isEmpty()) {
      HttpContent content = pending.poll();
      if (owner.currentExchange() == next) {
        next.fromClient(content);
      } else {
        content.release();
      }
    }
  }

  @Override
  public boolean requestComplete() {
    return requestComplete;
  }

  @Override
  public boolean wantsClientData() {
    return false;
  }

  @Override
  public void clientWritabilityChanged() {}

  @Override
  public void requestBroken(HttpResponseStatus status, String detail) {
    // Reading is paused while a step decides, so this is rare: no answer, the connection closes.
    while (!pending.isEmpty()) {
      pending.poll().release();
    }
    telemetry.completed(request.facts, status.code());
  }

  @Override
  public void clientClosed() {
    while (!pending.isEmpty()) {
      pending.poll().release();
    }
    // The client left while a step was deciding (a password being checked): nginx's 499.
    telemetry.completed(request.facts, 499);
  }
}
