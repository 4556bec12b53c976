package dev.bollard.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bollard.controller.testing.GrpcEcho;
import dev.bollard.controller.testing.TestCa;
import dev.bollard.controller.testing.TestManifests;
import dev.bollard.proxy.testing.RefusedPort;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC end to end: a real gRPC client (grpc-java) speaks HTTP/2 over TLS to a real standalone
 * Bollard (ALPN h2 on its HTTPS listener), which relays each call as a stream of a pooled HTTP/2
 * connection to a real gRPC server, in clear text ({@code backend-protocol: GRPC}) or TLS with a
 * self-signed certificate ({@code GRPCS}, {@code proxy-ssl-verify} off). Unary and all streaming
 * kinds, headers and trailers with custom metadata, failures with their status, a deadline, a
 * backend that is down, and a 10 MB message each way.
 */
class GrpcEndToEndTest {

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration CALL = Duration.ofSeconds(20);

  @TempDir static Path manifests;
  private static TestCa edgeCa;
  private static GrpcEcho plain;
  private static GrpcEcho secure;

  @RegisterExtension static final StandaloneFixture STANDALONE = new StandaloneFixture();
  private static ProxyProcess runtime;
  private static final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    edgeCa = TestCa.root("Edge CA");
    TestCa.Issued edge = edgeCa.issue("grpc.localhost", "grpcs.localhost", "down.localhost",
        "empty.localhost");
    plain = GrpcEcho.plain();
    // Self-signed as far as Bollard knows: nothing tells it this CA.
    secure = GrpcEcho.tls(TestCa.root("Backend CA").issue("backend.internal"));
    int closed = RefusedPort.port();
    Files.writeString(manifests.resolve("grpc.yaml"), manifests(edge, closed));
    runtime = STANDALONE.start(manifests);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    plain.close();
    secure.close();
  }

  @Test
  void unaryCallsKeepTheirHeadersAndTrailers() {
    AtomicReference<Metadata> headers = new AtomicReference<>();
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    var channel = ClientInterceptors.intercept(channel("grpc.localhost"),
        MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
    byte[] answer = ClientCalls.blockingUnaryCall(channel, GrpcEcho.UNARY, options(),
        bytes("hello"));
    assertThat(text(answer)).isEqualTo("hello");
    assertThat(headers.get().get(GrpcEcho.ECHO_HEADER)).isEqualTo("yes");
    assertThat(trailers.get().get(GrpcEcho.ECHO_TRAILER)).isEqualTo("done");
  }

  @Test
  void serverStreamingDeliversEveryMessage() {
    List<String> parts = new ArrayList<>();
    ClientCalls.blockingServerStreamingCall(channel("grpc.localhost"), GrpcEcho.SPLIT, options(),
        bytes("4")).forEachRemaining(m -> parts.add(text(m)));
    assertThat(parts).containsExactly("part-1", "part-2", "part-3", "part-4");
  }

  @Test
  void clientStreamingSendsEveryMessage() throws Exception {
    CompletableFuture<String> result = new CompletableFuture<>();
    StreamObserver<byte[]> requests = ClientCalls.asyncClientStreamingCall(
        channel("grpc.localhost").newCall(GrpcEcho.CONCAT, options()), observer(result));
    for (String part : List.of("ab", "cd", "ef")) {
      requests.onNext(bytes(part));
    }
    requests.onCompleted();
    assertThat(result.get(CALL.toSeconds(), TimeUnit.SECONDS)).isEqualTo("abcdef");
  }

  @Test
  void bidiStreamingIsFullDuplex() throws Exception {
    BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<byte[]> requests = ClientCalls.asyncBidiStreamingCall(
        channel("grpc.localhost").newCall(GrpcEcho.CHAT, options()),
        new StreamObserver<byte[]>() {
          @Override
          public void onNext(byte[] value) {
            replies.add(text(value));
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(null);
          }
        });
    for (String word : List.of("one", "two", "three")) {
      requests.onNext(bytes(word));
      // Each answer arrives while the request stream is still open.
      assertThat(replies.poll(CALL.toSeconds(), TimeUnit.SECONDS)).isEqualTo("echo:" + word);
    }
    requests.onCompleted();
    done.get(CALL.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void concurrentCallsAreStreamsOfOneUpstreamConnection() throws Exception {
    int connections = plain.connections();
    ManagedChannel channel = channel("grpc.localhost");
    List<StreamObserver<byte[]>> calls = new ArrayList<>();
    BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    for (int i = 0; i < 5; i++) {
      StreamObserver<byte[]> call = ClientCalls.asyncBidiStreamingCall(
          channel.newCall(GrpcEcho.CHAT, options()), new StreamObserver<byte[]>() {
            @Override
            public void onNext(byte[] value) {
              replies.add(text(value));
            }

            @Override
            public void onError(Throwable t) {
              replies.add("error: " + t);
            }

            @Override
            public void onCompleted() {}
          });
      call.onNext(bytes("call-" + i));
      calls.add(call);
    }
    List<String> got = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      got.add(replies.poll(CALL.toSeconds(), TimeUnit.SECONDS));
    }
    // All five open at once: one client connection, one event loop, one upstream connection
    // (none new if an earlier test's is still there).
    assertThat(got).containsExactlyInAnyOrder("echo:call-0", "echo:call-1", "echo:call-2",
        "echo:call-3", "echo:call-4");
    assertThat(plain.connections() - connections).isLessThanOrEqualTo(1);
    calls.forEach(StreamObserver::onCompleted);
  }

  @Test
  void aFailureKeepsItsCodeMessageAndTrailers() {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel("grpc.localhost"), GrpcEcho.FAIL, options(),
            bytes("x")));
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(failure.getStatus().getDescription()).isEqualTo("quota: 0 left");
    assertThat(failure.getTrailers().get(GrpcEcho.REASON)).isEqualTo("quota");
  }

  @Test
  void aDeadlineEndsTheCallWithDeadlineExceeded() {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel("grpc.localhost"), GrpcEcho.HANG,
            CallOptions.DEFAULT.withDeadlineAfter(300, TimeUnit.MILLISECONDS), bytes("x")));
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
  }

  @Test
  void aBackendThatIsDownIsUnavailableWithTheProxysReason() {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel("down.localhost"), GrpcEcho.UNARY, options(),
            bytes("x")));
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    // Bollard's answer, not the client's own: it reached Bollard and names the backend.
    assertThat(failure.getStatus().getDescription()).contains("502 Bad Gateway")
        .contains("shop/down:80");
  }

  @Test
  void aRouteWithoutReadyEndpointsIsUnavailableNotAnErrorPage() {
    StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class,
        () -> ClientCalls.blockingUnaryCall(channel("empty.localhost"), GrpcEcho.UNARY, options(),
            bytes("x")));
    assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(failure.getStatus().getDescription()).contains("503 Service Unavailable")
        .contains("no ready endpoints");
  }

  @Test
  void aTenMegabyteMessageGoesBothWaysByteForByte() {
    byte[] payload = new byte[10 * 1024 * 1024];
    new Random(1018).nextBytes(payload);
    byte[] answer = ClientCalls.blockingUnaryCall(channel("grpc.localhost"), GrpcEcho.UNARY,
        options(), payload);
    assertThat(answer).isEqualTo(payload);
  }

  @Test
  void grpcsReachesASelfSignedTlsServerWithVerifyOff() {
    int before = secure.calls();
    byte[] answer = ClientCalls.blockingUnaryCall(channel("grpcs.localhost"), GrpcEcho.UNARY,
        options(), bytes("over tls"));
    assertThat(text(answer)).isEqualTo("over tls");
    List<String> parts = new ArrayList<>();
    ClientCalls.blockingServerStreamingCall(channel("grpcs.localhost"), GrpcEcho.SPLIT,
        options(), bytes("2")).forEachRemaining(m -> parts.add(text(m)));
    assertThat(parts).containsExactly("part-1", "part-2");
    assertThat(secure.calls()).isEqualTo(before + 2);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static CallOptions options() {
    return CallOptions.DEFAULT.withDeadlineAfter(CALL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static synchronized ManagedChannel channel(String host) {
    try {
      ManagedChannel channel = NettyChannelBuilder
          .forAddress(new InetSocketAddress(LOOPBACK, runtime.httpsPort()),
              TlsChannelCredentials.newBuilder().trustManager(new ByteArrayInputStream(
                  edgeCa.certificatePem().getBytes(StandardCharsets.US_ASCII))).build())
          .overrideAuthority(host)
          .maxInboundMessageSize(GrpcEcho.MAX_MESSAGE)
          .build();
      channels.add(channel);
      return channel;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static StreamObserver<byte[]> observer(CompletableFuture<String> result) {
    return new StreamObserver<>() {
      @Override
      public void onNext(byte[] value) {
        result.complete(text(value));
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {}
    };
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String manifests(TestCa.Issued edge, int closed) {
    String grpc = "nginx.ingress.kubernetes.io/backend-protocol: GRPC";
    String grpcs = "nginx.ingress.kubernetes.io/backend-protocol: GRPCS";
    String bodySize = "nginx.ingress.kubernetes.io/proxy-body-size: 16m";
    return TestManifests.service("plain", plain.port())
        + TestManifests.service("secure", secure.port())
        + TestManifests.service("down", closed)
        + """
        apiVersion: v1
        kind: Service
        metadata: {name: empty, namespace: shop}
        spec:
          ports:
            - {name: http, port: 80, targetPort: http}
        ---
        """
        + """
        apiVersion: v1
        kind: Secret
        metadata: {name: edge-tls, namespace: shop}
        type: kubernetes.io/tls
        stringData:
          tls.crt: |
        %s
          tls.key: |
        %s
        """.formatted(edge.chainPem().strip().indent(4).stripTrailing(),
            edge.keyPem().strip().indent(4).stripTrailing())
        + ingress("grpc", "plain", grpc, bodySize)
        + ingress("grpcs", "secure", grpcs)
        + ingress("down", "down", grpc)
        + ingress("empty", "empty", grpc,
            "nginx.ingress.kubernetes.io/custom-http-errors: \"503\"");
  }

  private static String ingress(String name, String service, String... annotations) {
    StringBuilder block = new StringBuilder("  annotations:\n");
    for (String annotation : annotations) {
      block.append("    ").append(annotation).append('\n');
    }
    return """
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata:
          name: %s
          namespace: shop
        %sspec:
          ingressClassName: bollard
          tls:
            - hosts: [%s.localhost]
              secretName: edge-tls
          rules:
            - host: %s.localhost
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: %s, port: {number: 80}}}
        """.formatted(name, block, name, name, service);
  }
}
