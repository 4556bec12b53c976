package dev.bollard.proxy.tls;

import dev.bollard.proxy.testing.TlsProbe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** A JDK TLS client that trusts anything and reports what the server presented. */
final class TlsClient implements AutoCloseable {

  private final SSLSocket socket;

  private TlsClient(SSLSocket socket) {
    this.socket = socket;
  }

  /** Connects to 127.0.0.1:{@code port} and completes the handshake. */
  static TlsClient connect(int port, String sni, String... alpn) throws Exception {
    return connectWith(port, sni, new String[] {"TLSv1.3", "TLSv1.2"}, alpn);
  }

  static TlsClient connectWith(int port, String sni, String[] protocols, String... alpn)
      throws Exception {
    return open(TlsProbe.trustAll(), port, sni, protocols, alpn);
  }

  /**
   * Connects presenting {@code chain} (leaf first) with {@code key} whenever the server asks for a
   * certificate, whichever CAs it names (as curl does with {@code --cert}).
   */
  static TlsClient connectPresenting(int port, String sni, java.security.PrivateKey key,
      X509Certificate... chain) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new javax.net.ssl.KeyManager[] {new Presenting(key, chain)},
        new javax.net.ssl.TrustManager[] {new TrustAnything()}, null);
    return open(context, port, sni, new String[] {"TLSv1.3", "TLSv1.2"});
  }

  private static TlsClient open(SSLContext context, int port, String sni, String[] protocols,
      String... alpn) throws Exception {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
    socket.setSoTimeout(5000);
    SSLParameters parameters = socket.getSSLParameters();
    if (sni != null) {
      parameters.setServerNames(List.of(new SNIHostName(sni)));
    }
    if (alpn.length > 0) {
      parameters.setApplicationProtocols(alpn);
    }
    parameters.setProtocols(protocols);
    socket.setSSLParameters(parameters);
    try {
      socket.startHandshake();
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    return new TlsClient(socket);
  }

  X509Certificate peer() throws Exception {
    return (X509Certificate) socket.getSession().getPeerCertificates()[0];
  }

  /** Whether the client presented a certificate in the handshake (the server asked for one). */
  boolean sentCertificate() {
    return socket.getSession().getLocalCertificates() != null;
  }

  String protocol() {
    return socket.getSession().getProtocol();
  }

  String applicationProtocol() {
    return socket.getApplicationProtocol();
  }

  /** Sends a GET and reads one response with a Content-Length body. */
  Response get(String host, String path) throws IOException {
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return Response.read(socket.getInputStream());
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** A response: status, lower-case headers, body. */
  record Response(int status, Map<String, String> headers, String body) {
    static Response read(InputStream in) throws IOException {
      String statusLine = line(in);
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line = line(in); !line.isEmpty(); line = line(in)) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      byte[] body = in.readNBytes(length);
      return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        if (b != '\r') {
          out.write(b);
        }
      }
      if (b == -1 && out.size() == 0) {
        throw new IOException("connection closed");
      }
      return out.toString(StandardCharsets.US_ASCII);
    }
  }

  /** Sends a GET with extra header lines ({@code "name: value"}) and reads the response. */
  Response get(String host, String path, String... headers) throws IOException {
    StringBuilder head = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    socket.getOutputStream().write(head.append("\r\n").toString()
        .getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return Response.read(socket.getInputStream());
  }

  /** A key manager that always presents one certificate chain. */
  private static final class Presenting extends javax.net.ssl.X509ExtendedKeyManager {
    private final java.security.PrivateKey key;
    private final X509Certificate[] chain;

    Presenting(java.security.PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    @Override
    public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
      return new String[] {"client"};
    }

    @Override
    public String chooseClientAlias(
        String[] keyType, java.security.Principal[] issuers, Socket socket) {
      return "client";
    }

    @Override
    public String chooseEngineClientAlias(
        String[] keyType, java.security.Principal[] issuers, javax.net.ssl.SSLEngine engine) {
      return "client";
    }

    @Override
    public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(
        String keyType, java.security.Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return chain.clone();
    }

    @Override
    public java.security.PrivateKey getPrivateKey(String alias) {
      return key;
    }
  }

  private static final class TrustAnything implements javax.net.ssl.X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** Plain HTTP on the same response reader. */
  static Response plainGet(int port, String host, String path) throws IOException {
    try (Socket plain = new Socket("127.0.0.1", port)) {
      plain.setSoTimeout(5000);
      plain.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      return Response.read(plain.getInputStream());
    }
  }
}
