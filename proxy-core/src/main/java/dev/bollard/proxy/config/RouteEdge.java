package dev.bollard.proxy.config;

import dev.bollard.proxy.accesslog.CaptureRules;
import dev.bollard.proxy.headers.HeaderRules;

/**
 * What one Ingress adds to the global edge settings for its routes (annotations): more upstream
 * headers to capture into the access log, and header rules applied after the global ones.
 *
 * @param logCapture capture rules added to the global ones
 * @param headers header rules applied after the global ones ({@code custom-headers} and Bollard's
 *     own annotations)
 */
public record RouteEdge(CaptureRules logCapture, HeaderRules headers) {

  /** Nothing added. */
  public static final RouteEdge NONE = new RouteEdge(CaptureRules.NONE, HeaderRules.NONE);
}
