package dev.bollard.proxy.handler;

/** Placeholder: being written. Rejects hostile or malformed requests before routing. */
public final class RequestValidator {}
