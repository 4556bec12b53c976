package dev.bollard.controller.testing;

import io.grpc.Attributes;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real gRPC server (grpc-java, its own shaded Netty) for the end-to-end tests, with a service
 * {@code test.Echo} defined by hand (no protoc): messages are raw bytes. Every call's response
 * carries the header {@code x-echo-header: yes} and, when it succeeds, the trailer {@code
 * x-echo-trailer: done}.
 *
 * <ul>
 *   <li>{@code Unary}: answers the request's bytes.
 *   <li>{@code Split} (server streaming): the request is a decimal count n; answers n messages
 *       {@code part-1} ... {@code part-n}.
 *   <li>{@code Concat} (client streaming): answers all request messages joined.
 *   <li>{@code Chat} (bidi): answers each message as it arrives, {@code echo:} before it.
 *   <li>{@code Fail}: fails with {@code RESOURCE_EXHAUSTED}, the message {@code "quota: 0 left"}
 *       and the trailer {@code x-reason: quota}.
 *   <li>{@code Hang}: never answers (a deadline ends it).
 * </ul>
 */
public final class GrpcEcho implements AutoCloseable {

  public static final String SERVICE = "test.Echo";
  public static final int MAX_MESSAGE = 32 * 1024 * 1024;

  public static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  public static final MethodDescriptor<byte[], byte[]> UNARY = method(MethodType.UNARY, "Unary");
  public static final MethodDescriptor<byte[], byte[]> SPLIT =
      method(MethodType.SERVER_STREAMING, "Split");
  public static final MethodDescriptor<byte[], byte[]> CONCAT =
      method(MethodType.CLIENT_STREAMING, "Concat");
  public static final MethodDescriptor<byte[], byte[]> CHAT =
      method(MethodType.BIDI_STREAMING, "Chat");
  public static final MethodDescriptor<byte[], byte[]> FAIL = method(MethodType.UNARY, "Fail");
  public static final MethodDescriptor<byte[], byte[]> HANG = method(MethodType.UNARY, "Hang");

  public static final Metadata.Key<String> ECHO_HEADER =
      Metadata.Key.of("x-echo-header", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> ECHO_TRAILER =
      Metadata.Key.of("x-echo-trailer", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> REASON =
      Metadata.Key.of("x-reason", Metadata.ASCII_STRING_MARSHALLER);

  private final Server server;
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();

  private GrpcEcho(Server server) {
    this.server = server;
  }

  /** In clear text (h2c) on a free loopback port. */
  public static GrpcEcho plain() throws IOException {
    return start(InsecureServerCredentials.create());
  }

  /** In TLS with {@code certificate} on a free loopback port. */
  public static GrpcEcho tls(TestCa.Issued certificate) throws IOException {
    return start(TlsServerCredentials.create(
        new ByteArrayInputStream(certificate.chainPem().getBytes(StandardCharsets.US_ASCII)),
        new ByteArrayInputStream(certificate.keyPem().getBytes(StandardCharsets.US_ASCII))));
  }

  private static GrpcEcho start(ServerCredentials credentials) throws IOException {
    GrpcEcho[] self = new GrpcEcho[1];
    Server server = NettyServerBuilder
        .forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), credentials)
        .maxInboundMessageSize(MAX_MESSAGE)
        .addTransportFilter(new ServerTransportFilter() {
          @Override
          public Attributes transportReady(Attributes attributes) {
            self[0].connections.incrementAndGet();
            return attributes;
          }
        })
        .addService(ServerInterceptors.intercept(service(() -> self[0].calls.incrementAndGet()),
            new EchoMetadata()))
        .build()
        .start();
    self[0] = new GrpcEcho(server);
    return self[0];
  }

  public int port() {
    return server.getPort();
  }

  /** The calls that reached this server. */
  public int calls() {
    return calls.get();
  }

  /** The connections (HTTP/2 transports) this server accepted. */
  public int connections() {
    return connections.get();
  }

  @Override
  public void close() {
    server.shutdownNow();
  }

  private static MethodDescriptor<byte[], byte[]> method(MethodType type, String name) {
    return MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(BYTES)
        .setResponseMarshaller(BYTES)
        .build();
  }

  private static ServerServiceDefinition service(Runnable counter) {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(UNARY, ServerCalls.asyncUnaryCall((request, out) -> {
          counter.run();
          out.onNext(request);
          out.onCompleted();
        }))
        .addMethod(SPLIT, ServerCalls.asyncServerStreamingCall((request, out) -> {
          counter.run();
          int n = Integer.parseInt(new String(request, StandardCharsets.UTF_8));
          for (int i = 1; i <= n; i++) {
            out.onNext(("part-" + i).getBytes(StandardCharsets.UTF_8));
          }
          out.onCompleted();
        }))
        .addMethod(CONCAT, ServerCalls.asyncClientStreamingCall(out -> {
          counter.run();
          ByteArrayOutputStream all = new ByteArrayOutputStream();
          return new StreamObserver<byte[]>() {
            @Override
            public void onNext(byte[] value) {
              all.writeBytes(value);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
              out.onNext(all.toByteArray());
              out.onCompleted();
            }
          };
        }))
        .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(out -> {
          counter.run();
          return new StreamObserver<byte[]>() {
            @Override
            public void onNext(byte[] value) {
              out.onNext(("echo:" + new String(value, StandardCharsets.UTF_8))
                  .getBytes(StandardCharsets.UTF_8));
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
              out.onCompleted();
            }
          };
        }))
        .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, out) -> {
          counter.run();
          Metadata trailers = new Metadata();
          trailers.put(REASON, "quota");
          out.onError(Status.RESOURCE_EXHAUSTED.withDescription("quota: 0 left")
              .asRuntimeException(trailers));
        }))
        .addMethod(HANG, ServerCalls.asyncUnaryCall((request, out) -> counter.run()))
        .build();
  }

  /** Adds {@code x-echo-header} to every response head, {@code x-echo-trailer} to successes. */
  private static final class EchoMetadata implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
        ServerCallHandler<Q, R> next) {
      return next.startCall(new SimpleForwardingServerCall<>(call) {
        @Override
        public void sendHeaders(Metadata responseHeaders) {
          responseHeaders.put(ECHO_HEADER, "yes");
          super.sendHeaders(responseHeaders);
        }

        @Override
        public void close(Status status, Metadata trailers) {
          if (status.isOk()) {
            trailers.put(ECHO_TRAILER, "done");
          }
          super.close(status, trailers);
        }
      }, headers);
    }
  }
}
