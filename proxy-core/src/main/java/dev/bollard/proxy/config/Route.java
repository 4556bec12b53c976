package dev.bollard.proxy.config;

/**
 * One path rule of a virtual host: requests whose path matches go to the backend.
 *
 * @param path how the request path is matched
 * @param backend where matching requests go
 * @param source the Ingress rule this route came from (for logs and the access log)
 */
public record Route(PathMatch path, Backend backend, RouteSource source) {}
