package dev.bollard.controller.testing;

/** Kubernetes YAML the end-to-end tests write into a manifest directory. */
public final class TestManifests {

  private TestManifests() {}

  /**
   * Ingress {@code shop/<name>} of class {@code bollard} with one rule: host {@code
   * <host>.localhost}, path {@code /} (Prefix) to Service {@code service} port 80; then {@code ---}.
   *
   * @param metadata lines added to the metadata after the namespace, each indented by two spaces
   *     (such as {@code "  annotations:\n    key: value\n"}), or empty
   */
  public static String ingress(String name, String host, String service, String metadata) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: %s
          namespace: shop
        %sspec:
          ingressClassName: bollard
          rules:
            - host: %s.localhost
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: %s
                        port:
                          number: 80
        ---
        """.formatted(name, metadata, host, service);
  }

  /**
   * Ingress {@code shop/web}, annotated {@code kubernetes.io/tls-acme: "true"}, for {@code host}
   * with TLS from Secret {@code web-tls} and {@code /} to Service {@code web} port 80.
   *
   * @param moreAnnotations further annotation lines, each indented by four spaces, or empty
   */
  public static String acmeIngress(String host, String moreAnnotations) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: web
          namespace: shop
          annotations:
            kubernetes.io/tls-acme: "true"
        %s
        spec:
          ingressClassName: bollard
          tls:
            - hosts: [%s]
              secretName: web-tls
          rules:
            - host: %s
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service:
                        name: web
                        port:
                          number: 80
        """.formatted(moreAnnotations.stripTrailing(), host, host);
  }

  /**
   * Service {@code shop/app} (port 80, named {@code http}) with one ready endpoint,
   * 127.0.0.1:{@code port}: the backend of the end-to-end tests' Ingresses. Starts with {@code
   * ---}, to follow other documents.
   */
  public static String appService(int port) {
    return "---\n" + service("app", port);
  }

  /**
   * Service {@code shop/NAME} (port 80, named {@code http}) with one ready endpoint,
   * 127.0.0.1:{@code port}, ending in {@code ---} so that more documents may follow.
   */
  public static String service(String name, int port) {
    return service(name) + slice(name, name + "-1", port);
  }

  /**
   * Service {@code shop/NAME} (port 80, named {@code http}, to the endpoints' port named {@code
   * http}) without endpoints (see {@link #slice}), ending in {@code ---}.
   */
  public static String service(String name) {
    return """
        apiVersion: v1
        kind: Service
        metadata:
          name: %s
          namespace: shop
        spec:
          ports:
            - name: http
              port: 80
              targetPort: http
        ---
        """.formatted(name);
  }

  /**
   * EndpointSlice {@code shop/SLICE} of Service {@code shop/SERVICE}: one ready endpoint,
   * 127.0.0.1:{@code port} (named {@code http}); ending in {@code ---}.
   */
  public static String slice(String service, String slice, int port) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %s
          namespace: shop
          labels:
            kubernetes.io/service-name: %s
        addressType: IPv4
        endpoints:
          - addresses: ["127.0.0.1"]
            conditions:
              ready: true
        ports:
          - name: http
            port: %d
        ---
        """.formatted(slice, service, port);
  }

  /**
   * Ingress {@code shop/NAME} for host {@code NAME.localhost}, {@code /} (Prefix) to Service
   * {@code shop/SERVICE} port 80, ending in {@code ---} so that more documents may follow.
   *
   * @param annotations annotation lines, each indented by four spaces and ending in a newline,
   *     or empty for none
   */
  public static String ingress(String name, String service, String annotations) {
    return ingress(name, name, service,
        annotations.isEmpty() ? "" : "  annotations:\n" + annotations);
  }
}
