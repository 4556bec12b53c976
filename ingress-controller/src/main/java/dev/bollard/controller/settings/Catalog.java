package dev.bollard.controller.settings;

import static dev.bollard.controller.settings.Setting.Applied.PER_CONNECTION;
import static dev.bollard.controller.settings.Setting.Applied.PER_REQUEST;

import dev.bollard.acme.ChallengeType;
import dev.bollard.proxy.accesslog.AccessLog;
import dev.bollard.proxy.accesslog.CaptureRules;
import dev.bollard.proxy.accesslog.LogSettings;
import dev.bollard.proxy.accesslog.QueryRedaction;
import dev.bollard.proxy.clientip.CidrSet;
import dev.bollard.proxy.config.AccessRules;
import dev.bollard.proxy.config.AuthSettings;
import dev.bollard.proxy.config.EdgeSettings;
import dev.bollard.proxy.config.ErrorCodes;
import dev.bollard.proxy.config.GlobalAuth;
import dev.bollard.proxy.config.GlobalSettings;
import dev.bollard.proxy.config.HeaderMaps;
import dev.bollard.proxy.config.GlobalSettings.BodyBuffering;
import dev.bollard.proxy.config.GlobalSettings.Hsts;
import dev.bollard.proxy.config.GlobalSettings.Timeouts;
import dev.bollard.proxy.config.Http2Settings;
import dev.bollard.proxy.config.LimitStatus;
import dev.bollard.proxy.config.ResponseRate;
import dev.bollard.proxy.config.LoadBalance;
import dev.bollard.proxy.config.NextUpstream;
import dev.bollard.proxy.config.MapPatterns;
import dev.bollard.proxy.headers.HeaderRules;
import dev.bollard.proxy.server.ServerSettings;
import dev.bollard.proxy.step.ExternalAuth;
import dev.bollard.proxy.step.VariableTemplate;
import dev.bollard.proxy.step.UpstreamHashBy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every setting of Bollard, each declared once: its flag, ConfigMap key, value format, default,
 * meaning and when it applies. The command line's proxy flags, their {@code BOLLARD_*} variables,
 * config validation ({@link ConfigKeys}, {@link ConfigValidation}) and the README's tables are all
 * made from these declarations; {@link #server} and {@link #global} turn resolved values into what
 * the proxy reads.
 *
 * <p>Adding a setting: declare it here, add it to {@link #ALL}, and read it in {@link #server}
 * (fixed for the process) or {@link #global} (changes with a config version). Then regenerate the
 * README's tables (a test says what differs).
 */
public final class Catalog {

  private Catalog() {}

  // --- Fixed for the process: what it serves from and who it is (read by the command).

  public static final Setting<Path> MANIFESTS = Setting.flag("--manifests", "DIR", null,
      Path::of,
      "Directory of Kubernetes YAML (Ingress, IngressClass, Service, EndpointSlice, Endpoints,"
          + " ConfigMap), read recursively and watched: standalone mode. Without it Bollard"
          + " follows the cluster.");

  public static final Setting<Path> KUBECONFIG = Setting.flag("--kubeconfig", "FILE", null,
      Path::of,
      "Kubeconfig to reach the API server. Without it the in-cluster config (outside a cluster"
          + " KUBECONFIG or ~/.kube/config).");

  public static final Setting<List<String>> WATCH_NAMESPACE = Setting.flag("--watch-namespace",
      "NS[,NS...]", "", ValueParsers::list,
      "Only watch these namespaces (comma-separated). Without it all.");

  public static final Setting<String> NAMESPACE = Setting.flag("--namespace", "NS", null,
      String::strip,
      "The controller's own namespace: the leader Lease and a --config without namespace live"
          + " here. Without it $POD_NAMESPACE, else default.");

  public static final Setting<String> PUBLISH_SERVICE = Setting.flag("--publish-service",
      "NS/NAME", null, ValueParsers::namespacedName,
      "Service whose load-balancer address is written to our Ingresses' status.");

  public static final Setting<List<String>> PUBLISH_STATUS_ADDRESS = Setting.flag(
      "--publish-status-address", "ADDR[,ADDR...]", "", ValueParsers::list,
      "Fixed IPs or host names for our Ingresses' status (wins over --publish-service).");

  public static final Setting<String> ELECTION_ID = Setting.flag("--election-id", "NAME",
      "bollard-leader", String::strip,
      "Name of the coordination.k8s.io Lease replicas elect a leader with.");

  public static final Setting<Duration> LEADER_LEASE_DURATION = Setting.flag(
      "--leader-elect-lease-duration", "DURATION", "15s", ValueParsers::positiveDuration,
      "How long the Lease lasts without renewal: replicas wait this long after the leader's last"
          + " renewal before taking over. Whole seconds.");

  public static final Setting<Duration> LEADER_RENEW_DEADLINE = Setting.flag(
      "--leader-elect-renew-deadline", "DURATION", "10s", ValueParsers::positiveDuration,
      "The leader stops acting (status, Events, certificate orders) once its last successful"
          + " renewal is this old by its own clock, and contends anew. Shorter than the lease"
          + " duration.");

  public static final Setting<Duration> LEADER_RETRY_PERIOD = Setting.flag(
      "--leader-elect-retry-period", "DURATION", "2s", ValueParsers::positiveDuration,
      "How often replicas try to take the Lease and the leader renews it. At most the renew"
          + " deadline / 1.2.");

  public static final Setting<Integer> STATUS_WRITES_PER_SECOND = Setting.flag(
      "--status-writes-per-second", "N", "20", v -> ValueParsers.intBetween(v, 0, 100_000),
      "Most Ingress status writes a second from the leader (one per Ingress and change, on their"
          + " own queue); 0: no bound.");

  public static final Setting<Integer> EVENT_WRITES_PER_SECOND = Setting.flag(
      "--event-writes-per-second", "N", "10", v -> ValueParsers.intBetween(v, 0, 100_000),
      "Most Event writes a second from the leader (on their own queue, never behind status);"
          + " 0: no bound.");

  public static final Setting<Duration> PROBLEM_EVENT_DELAY = Setting.flag(
      "--problem-event-delay", "DURATION", "10s", ValueParsers::duration,
      "How long a translation problem must last before it becomes an Event (the log shows it at"
          + " once): a Service that arrives just after its Ingress causes none.");

  public static final Setting<InetSocketAddress> ADMIN_LISTEN = Setting.flag("--admin-listen",
      "HOST:PORT", "0.0.0.0:8081", ValueParsers::address,
      "Admin listener: / (status page), /healthz (alive), /readyz (ready for traffic), /status"
          + " (JSON: snapshot and config version, watches, leader, certificates) and /metrics"
          + " (Prometheus). Keep it off the public network.");

  public static final Setting<InetSocketAddress> ECHO_BACKEND = Setting.flag(
      "--with-echo-backend", "HOST:PORT", null, ValueParsers::address,
      "Also start the demo echo backend in this process, e.g. 127.0.0.1:9000 for the bundled"
          + " examples.");

  public static final Setting<Duration> REBUILD_HOLD_OFF = Setting.flag("--rebuild-hold-off",
      "DURATION", "200ms", ValueParsers::duration, "Quiet time after a change before rebuilding.");

  public static final Setting<Duration> REBUILD_MAX_DELAY = Setting.flag("--rebuild-max-delay",
      "DURATION", "2s", ValueParsers::duration,
      "Longest wait from a change to its rebuild while changes keep coming; not shorter than"
          + " --rebuild-hold-off.");

  // --- Which Ingresses and which config are ours (also flags of check).

  public static final Setting<String> CONFIG = Setting.flag("--config", "[NS/]NAME",
      ConfigFamily.DEFAULT_NAME, ValueParsers::configFamily,
      "Config family: the ConfigMaps labelled bollard.dev/config=NAME in NS (default: the"
          + " controller's namespace; standalone: default), one per version"
          + " (bollard.dev/config-version=N).");

  public static final Setting<Long> CONFIG_VERSION = Setting.flag("--config-version", "N", "-1",
      v -> (long) ValueParsers.intBetween(v, -1, Integer.MAX_VALUE),
      "Pin this config version instead of the highest valid one; -1: no pin.");

  public static final Setting<String> INGRESS_CLASS = Setting.flag("--ingress-class", "NAME",
      "bollard", String::strip,
      "IngressClass name to serve (spec.ingressClassName or the kubernetes.io/ingress.class"
          + " annotation).");

  public static final Setting<String> CONTROLLER_NAME = Setting.flag("--controller-name", "NAME",
      "bollard.dev/ingress-controller", ValueParsers::controllerName,
      "The IngressClass spec.controller value whose classes are served; k8s.io/ingress-nginx"
          + " serves ingress-nginx's classes (a cutover, see the README).");

  public static final Setting<Boolean> WATCH_INGRESS_WITHOUT_CLASS = Setting.flag(
      "--watch-ingress-without-class", Setting.SWITCH, "false", ValueParsers::bool,
      "Also serve Ingresses that name no class at all.");

  public static final Setting<Boolean> ENABLE_SSL_PASSTHROUGH = Setting.flag(
      "--enable-ssl-passthrough", Setting.SWITCH, "false", ValueParsers::bool,
      "Honour the nginx.ingress.kubernetes.io/ssl-passthrough annotation: TLS connections whose"
          + " SNI names such a host go to its backend untouched (without it the annotation is a"
          + " problem and Bollard terminates TLS).");

  /** The flags {@code check} shares with {@code run}. */
  public static final List<Setting<?>> CHECK_FLAGS = List.of(CONFIG, CONFIG_VERSION,
      INGRESS_CLASS, CONTROLLER_NAME, WATCH_INGRESS_WITHOUT_CLASS, ENABLE_SSL_PASSTHROUGH);

  // --- Fixed for the process: the access log's destination (its content is per config version).

  public static final Setting<String> ACCESS_LOG = Setting.flag("--access-log",
      "stdout|PATH|off", "stdout", String::strip,
      "Where access-log lines go: stdout, a file (appended, reopened when rotated), or off.");

  public static final Setting<AccessLog.Format> ACCESS_LOG_FORMAT = Setting.flag(
      "--access-log-format", "json|text", "json", ValueParsers::logFormat,
      "json: one object per line; text: the log-format-upstream template.");

  public static final Setting<Integer> ACCESS_LOG_QUEUE = Setting.flag("--access-log-queue",
      "LINES", String.valueOf(AccessLog.DEFAULT_QUEUE_CAPACITY),
      v -> ValueParsers.intBetween(v, 1, Integer.MAX_VALUE),
      "Lines that may wait for the writer; beyond it lines are dropped and counted.");

  // --- Fixed for the process: the HTTPS listener and ACME (read by the command).

  public static final Setting<InetSocketAddress> HTTPS_LISTEN = Setting.flag("--https-listen",
      "HOST:PORT", "0.0.0.0:8443", ValueParsers::address,
      "HTTPS listener (SNI certificates from Ingress spec.tls Secrets).");

  public static final Setting<Integer> HTTPS_REDIRECT_PORT = Setting.flag(
      "--https-redirect-port", "PORT", "443", v -> ValueParsers.intBetween(v, 1, 65535),
      "Port in HTTP-to-HTTPS redirects: where clients reach HTTPS (the Service port).");

  public static final Setting<String> DEFAULT_SSL_CERTIFICATE = Setting.flag(
      "--default-ssl-certificate", "NS/NAME", null, ValueParsers::namespacedName,
      "kubernetes.io/tls Secret for hosts without a certificate of their own. Without it one"
          + " generated at start.");

  public static final Setting<URI> ACME_DIRECTORY = Setting.flag("--acme-directory", "URL", null,
      ValueParsers::uri,
      "ACME directory URL; turns on certificates for tls-acme Ingresses. LEGO_URL works too.");

  public static final Setting<String> ACME_EMAIL = Setting.flag("--acme-email", "EMAIL", null,
      String::strip, "ACME account contact. LEGO_EMAIL works too.");

  public static final Setting<String> ACME_ACCOUNT_SECRET = Setting.flag(
      "--acme-account-secret", "NS/NAME", null, ValueParsers::namespacedName,
      "Secret holding the ACME account key (cluster). Without it"
          + " <namespace>/bollard-acme-account.");

  public static final Setting<String> ACME_CHALLENGES_CONFIGMAP = Setting.flag(
      "--acme-challenges-configmap", "NAME", "bollard-acme-challenges", String::strip,
      "ConfigMap in the controller's namespace sharing pending challenges between replicas.");

  public static final Setting<Path> ACME_DIR = Setting.flag("--acme-dir", "DIR", null, Path::of,
      "Standalone: directory for issued certificates and the account key.");

  public static final Setting<Path> ACME_CA_FILE = Setting.flag("--acme-ca-file", "PEM", null,
      Path::of, "CA certificate(s) to trust for the ACME server's HTTPS, besides the public"
          + " roots: a private CA (step-ca, pebble). Read at start.");

  public static final Setting<Double> ACME_RENEW_WHEN_REMAINING = Setting.flag(
      "--acme-renew-when-remaining", "FRACTION", "0.33", ValueParsers::fraction,
      "Renew when this fraction of a certificate's lifetime remains.");

  public static final Setting<List<ChallengeType>> ACME_CHALLENGE_TYPES = Setting.flag(
      "--acme-challenge-types", "TYPE[,TYPE]", "", ValueParsers::challengeTypes,
      "ACME challenge types in order of preference: http-01 (plain listener, port 80),"
          + " tls-alpn-01 (HTTPS listener, port 443). Without it http-01,tls-alpn-01.");

  // --- Fixed for the process: flags only, read into ServerSettings.

  public static final Setting<InetSocketAddress> LISTEN = Setting.flag("--listen", "HOST:PORT",
      "0.0.0.0:8080", ValueParsers::address, "Proxy listener (plain HTTP).");

  public static final Setting<Integer> IO_THREADS = Setting.flag("--io-threads", "N", "0",
      v -> ValueParsers.intBetween(v, 0, Integer.MAX_VALUE),
      "Proxy event-loop threads; 0 means one per available core.");

  public static final Setting<String> TRANSPORT = Setting.flag("--transport",
      "TRANSPORT", ServerSettings.DEFAULT_TRANSPORT, ValueParsers::transport,
      "Proxy event-loop I/O: auto, io_uring, epoll or nio. auto: io_uring where the kernel allows"
          + " it (a container's seccomp profile may not), else epoll; an unavailable choice falls"
          + " back the same way.");

  public static final Setting<Integer> MAX_HEADER_BYTES = Setting.flag("--max-header-bytes",
      "BYTES", "32768", v -> ValueParsers.intBetween(v, 1024, Integer.MAX_VALUE),
      "Largest request head, at least 1024; beyond it 431.");

  public static final Setting<Integer> MAX_URI_BYTES = Setting.flag("--max-uri-bytes", "BYTES",
      "8192", v -> ValueParsers.intBetween(v, 256, Integer.MAX_VALUE),
      "Longest request line, at least 256; beyond it 414.");

  public static final Setting<Integer> MAX_REQUEST_HEADERS = Setting.flag(
      "--max-request-headers", "N", "100", v -> ValueParsers.intBetween(v, 1, 10_000),
      "Most header fields in a request head, 1 to 10000; beyond it 431.");

  public static final Setting<Duration> SHUTDOWN_GRACE = Setting.flag("--shutdown-grace",
      "DURATION", "30s", ValueParsers::duration,
      "On SIGTERM, how long in-flight requests may finish.");

  public static final Setting<Duration> UPSTREAM_IDLE_TIMEOUT = Setting.flag(
      "--upstream-idle-timeout", "DURATION", "60s", ValueParsers::positiveDuration,
      "Pooled upstream keep-alive connections unused this long are closed.");

  // --- A flag whose value is the default of a ConfigMap key.

  public static final Setting<Duration> CONNECT_TIMEOUT = Setting.flagAndKey("--connect-timeout",
      "proxy-connect-timeout", "DURATION", "5s", ValueParsers::positiveDuration, PER_REQUEST,
      "Upstream TCP connect timeout per try, then the next endpoint (`proxy-next-upstream`),"
          + " finally 504.");

  public static final Setting<Duration> READ_TIMEOUT = Setting.flagAndKey(
      "--upstream-read-timeout", "proxy-read-timeout", "DURATION", "60s",
      ValueParsers::positiveDuration, PER_REQUEST,
      "Longest upstream silence while a response is due, then 504.");

  public static final Setting<Duration> CLIENT_HEADER_TIMEOUT = Setting.flagAndKey(
      "--client-header-timeout", "client-header-timeout", "DURATION", "60s",
      ValueParsers::positiveDuration, PER_CONNECTION,
      "Time a client has to send a complete request head, then 408.");

  public static final Setting<Duration> KEEP_ALIVE = Setting.flagAndKey("--keep-alive-timeout",
      "keep-alive", "DURATION", "75s", ValueParsers::duration, PER_CONNECTION,
      "Idle client keep-alive connections are closed after this; 0: no keep-alive, every"
          + " connection closes after its first response (as nginx's `keepalive_timeout 0`).");

  // --- ConfigMap keys only.

  public static final Setting<Integer> KEEP_ALIVE_REQUESTS = Setting.key("keep-alive-requests",
      "number", String.valueOf(GlobalSettings.KEEP_ALIVE_REQUESTS),
      v -> ValueParsers.intBetween(v, 1, Integer.MAX_VALUE), PER_CONNECTION,
      "Most requests one client connection serves; the last response says `Connection: close`"
          + " and the connection closes (nginx's `keepalive_requests`).");

  public static final Setting<Boolean> USE_HTTP2 = Setting.key("use-http2", "bool", "true",
      ValueParsers::bool, PER_CONNECTION,
      "Offer HTTP/2 on the HTTPS listener (ALPN `h2`, then `http/1.1`); `false`: HTTP/1.1 only."
          + " Streams get the same routing, steps, guard, header rules, access log (`HTTP/2.0`)"
          + " and metrics as HTTP/1.1 requests; upstreams stay HTTP/1.1.");

  public static final Setting<Integer> HTTP2_MAX_CONCURRENT_STREAMS = Setting.key(
      "http2-max-concurrent-streams", "number", "128",
      v -> ValueParsers.intBetween(v, 1, 65_536), PER_CONNECTION,
      "Streams one HTTP/2 client connection may have open at once"
          + " (`SETTINGS_MAX_CONCURRENT_STREAMS`); more are refused with `REFUSED_STREAM`.");

  public static final Setting<Integer> HTTP2_MAX_FIELD_SIZE = Setting.key("http2-max-field-size",
      "size", "0", v -> http2Size(v, 64), PER_CONNECTION,
      "Largest single request header field (name and value) on HTTP/2; larger gets 431. `0`: no"
          + " limit of its own, only `http2-max-header-size`'s.");

  public static final Setting<Integer> HTTP2_MAX_HEADER_SIZE = Setting.key(
      "http2-max-header-size", "size", "0", v -> http2Size(v, 1024), PER_CONNECTION,
      "Largest decoded request header list on HTTP/2 (`SETTINGS_MAX_HEADER_LIST_SIZE`): a list"
          + " somewhat larger gets 431, a far larger one (or a CONTINUATION flood) closes the"
          + " connection. `0`: the HTTP/1.1 head limit (`--max-header-bytes`).");

  public static final Setting<Integer> HTTP2_MAX_REQUESTS = Setting.key("http2-max-requests",
      "number", "0", v -> ValueParsers.intBetween(v, 0, Integer.MAX_VALUE), PER_CONNECTION,
      "Streams one HTTP/2 connection serves; then `GOAWAY`, open streams finish and it closes."
          + " `0`: `keep-alive-requests` (as nginx since 1.19.7).");

  public static final Setting<Boolean> SERVER_TOKENS = Setting.key("server-tokens", "bool",
      "false", ValueParsers::bool, PER_REQUEST,
      "`false`: responses to clients carry no `Server` header (an upstream's is removed), as from"
          + " ingress-nginx; `true`: `Server: Bollard/<version>` in its place. Response header"
          + " rules run after it.");

  public static final Setting<Boolean> ALLOW_BACKEND_SERVER_HEADER = Setting.key(
      "allow-backend-server-header", "bool", "false", ValueParsers::bool, PER_REQUEST,
      "Pass an upstream's `Server` header on to the client; Bollard then adds none of its own,"
          + " whatever `server-tokens` says. ingress-nginx passes it only with `server-tokens:"
          + " true` as well (its issue 6733); Bollard does not need that.");


  public static final Setting<Long> BODY_SIZE = Setting.key("proxy-body-size", "size", "1m",
      ValueParsers::size, PER_REQUEST,
      "Largest request body (nginx syntax: `512k`, `1m`, `1g`; `0` for unlimited); larger bodies"
          + " get 413.");

  public static final Setting<Boolean> REQUEST_BUFFERING = Setting.key("proxy-request-buffering",
      "on/off", "on", ValueParsers::onOff, PER_REQUEST,
      "Read a request body whole (memory up to `client-body-buffer-size`, the rest in a temporary"
          + " file of at most `proxy-body-size`) before taking an upstream connection; `off`"
          + " streams it. The Ingress annotation of the same name wins on its routes.");

  public static final Setting<Integer> CLIENT_BODY_BUFFER_SIZE = Setting.key(
      "client-body-buffer-size", "size", "8k", ValueParsers::bodyBufferSize, PER_REQUEST,
      "How much of one buffered request body is kept in memory (at most `64m`); the rest goes"
          + " to an unlinked temporary file under `java.io.tmpdir`.");

  public static final Setting<ErrorCodes> CUSTOM_HTTP_ERRORS = Setting.key("custom-http-errors",
      "codes", "", ErrorCodes::parse, PER_REQUEST,
      "Comma-separated status codes (400 to 599, such as `404,503`): a response with one of"
          + " them (the upstream's, or the proxy's own 502/503/504) is replaced by the page the"
          + " default backend (`spec.defaultBackend`) answers when asked with `X-Code` and"
          + " ingress-nginx's other `X-` headers. The annotation of the same name replaces the list"
          + " on its routes.");

  public static final Setting<Integer> LIMIT_REQ_STATUS_CODE = Setting.key(
      "limit-req-status-code", "status", "503", v -> ValueParsers.intBetween(v, 400, 599),
      PER_REQUEST,
      "Status of a request refused by a route's `limit-rps` or `limit-rpm` (nginx's"
          + " `limit_req_status`); `429` is a common choice.");

  public static final Setting<Integer> LIMIT_CONN_STATUS_CODE = Setting.key(
      "limit-conn-status-code", "status", "503", v -> ValueParsers.intBetween(v, 400, 599),
      PER_REQUEST,
      "Status of a request refused by a route's `limit-connections` (nginx's"
          + " `limit_conn_status`); `429` is a common choice.");

  public static final Setting<Integer> LIMIT_RATE = Setting.key("limit-rate", "kilobytes", "0",
      v -> ValueParsers.intBetween(v, 0, Integer.MAX_VALUE), PER_REQUEST,
      "Bandwidth of each response body to the client, in kilobytes (1024 bytes) per second"
          + " (nginx's `limit_rate`, per request); `0` for none. The annotation of the same name"
          + " wins on its routes. ingress-nginx's documentation says bytes, but its template adds"
          + " nginx's `k` to the value, so it is kilobytes there too.");

  public static final Setting<Integer> LIMIT_RATE_AFTER = Setting.key("limit-rate-after",
      "kilobytes", "0", v -> ValueParsers.intBetween(v, 0, Integer.MAX_VALUE), PER_REQUEST,
      "Kilobytes of each response body sent at full speed before `limit-rate` applies (nginx's"
          + " `limit_rate_after`). The annotation of the same name wins on its routes.");

  public static final Setting<Long> CLIENT_BODY_TEMP_SIZE = Setting.key(
      "bollard-client-body-temp-size", "size", "32m", ValueParsers::size, PER_REQUEST,
      "How much the temporary files of all buffered request bodies may hold together; a body"
          + " that would need more gets 503. Keep it below the size of `java.io.tmpdir` (the"
          + " chart's `/tmp` emptyDir, 64Mi).");

  public static final Setting<Duration> SEND_TIMEOUT = Setting.key("proxy-send-timeout",
      "duration", "60s", ValueParsers::positiveDuration, PER_REQUEST,
      "Longest stall writing a request to an upstream (it takes no bytes), then 504, or a cut"
          + " response if one started; that upstream connection is closed.");

  public static final Setting<Duration> CLIENT_BODY_TIMEOUT = Setting.key("client-body-timeout",
      "duration", "60s", ValueParsers::positiveDuration, PER_CONNECTION,
      "Longest pause between two reads of a request body, then 408 (or a cut response if one"
          + " started) and the connection closes; a buffered body's request never reached an"
          + " upstream.");

  public static final Setting<Duration> CLIENT_SEND_TIMEOUT = Setting.key("bollard-send-timeout",
      "duration", "60s", ValueParsers::positiveDuration, PER_CONNECTION,
      "Longest stall writing a response to a client that does not read it (nginx's"
          + " `send_timeout`; ingress-nginx has no key for it), then the connection closes and the"
          + " access log shows the response cut short.");

  public static final Setting<Integer> NEXT_UPSTREAM = Setting.key("proxy-next-upstream",
      "conditions", "error timeout", NextUpstream::parseConditions, PER_REQUEST,
      "When a request goes to the next endpoint, space-separated: `error`, `timeout`,"
          + " `invalid_header`, `http_500`, `http_502`, `http_503`, `http_504`, `http_403`,"
          + " `http_404`, `http_429`, `non_idempotent` (also POST, LOCK, PATCH once sent), or"
          + " `off`. Never once the response started, nor with a streamed body; each endpoint once."
          + " The Ingress annotation of the same name wins on its routes.");

  public static final Setting<Integer> NEXT_UPSTREAM_TRIES = Setting.key(
      "proxy-next-upstream-tries", "number", "3", v -> ValueParsers.intBetween(v, 0, 10_000),
      PER_REQUEST,
      "How many endpoints one request may try in all; `0`: each endpoint of the backend once.");

  public static final Setting<Duration> NEXT_UPSTREAM_TIMEOUT = Setting.key(
      "proxy-next-upstream-timeout", "duration", "0", ValueParsers::duration, PER_REQUEST,
      "How long after the first try a next one may still start; `0`: no limit.");

  public static final Setting<Boolean> RETRY_NON_IDEMPOTENT = Setting.key(
      "retry-non-idempotent", "bool", "false", ValueParsers::bool, PER_REQUEST,
      "Let non-idempotent requests (POST, LOCK, PATCH) go to the next endpoint after they were"
          + " sent, on every route, as if `non_idempotent` were in every `proxy-next-upstream`.");

  public static final Setting<LoadBalance> LOAD_BALANCE = Setting.key("load-balance",
      "algorithm", "round_robin", Catalog::loadBalance, PER_REQUEST,
      "How routes spread requests over a backend's endpoints: `round_robin` (each in turn),"
          + " `ewma` (peak-EWMA of latency times requests in flight, the better of two endpoints"
          + " drawn at random: slow endpoints get less) or `least_conn` (fewest requests in"
          + " flight). Per event loop, as ingress-nginx's per worker. The Ingress annotation of"
          + " the same name wins on its routes.");

  public static final Setting<String> UPSTREAM_HASH_BY = Setting.key("upstream-hash-by",
      "nginx variables", null, Catalog::hashKey, PER_REQUEST,
      "Consistent hashing of routes' requests over endpoints by this key, e.g. `$request_uri`,"
          + " `$remote_addr`, `$http_x_user`, `$cookie_session`, `$arg_id`, `$host$request_uri`:"
          + " the same key goes to the same endpoint, and only about 1/N of the keys move when"
          + " endpoints change. Absent: none. An unknown variable refuses the version. The"
          + " Ingress annotation of the same name wins on its routes.");

  public static final Setting<Boolean> USE_PROXY_PROTOCOL = Setting.key("use-proxy-protocol",
      "bool", "false", ValueParsers::bool, PER_CONNECTION,
      "Accept a PROXY protocol (v1/v2) header from load balancers in `proxy-real-ip-cidr`; one"
          + " from any other peer closes the connection, and a connection without one is served"
          + " as the peer itself.");

  public static final Setting<List<String>> REAL_IP_CIDR = Setting.key("proxy-real-ip-cidr",
      "CIDR list", "0.0.0.0/0", ValueParsers::cidrs, PER_REQUEST,
      "Comma-separated proxies whose `X-Forwarded-For`, `X-Request-Id` or PROXY header is"
          + " trusted.");

  public static final Setting<Boolean> USE_FORWARDED_HEADERS = Setting.key(
      "use-forwarded-headers", "bool", "false", ValueParsers::bool, PER_REQUEST,
      "Honour `X-Forwarded-*` headers from trusted proxies: the client address from the"
          + " forwarded-for chain (right to left, skipping trusted proxies), and"
          + " `-Proto`/`-Host`/`-Port` passed on as they came. Their `X-Forwarded-Proto: https`"
          + " counts as HTTPS for redirects: no HTTPS-redirect loop behind a balancer that"
          + " terminates TLS.");

  public static final Setting<Boolean> ENABLE_REAL_IP = Setting.key("enable-real-ip", "bool",
      "false", ValueParsers::bool, PER_REQUEST,
      "Take the client address from a trusted proxy's forwarded-for header even without"
          + " `use-forwarded-headers`.");

  public static final Setting<String> FORWARDED_FOR_HEADER = Setting.key("forwarded-for-header",
      "header name", "X-Forwarded-For", ValueParsers::headerName, PER_REQUEST,
      "The header carrying the client chain from trusted proxies.");

  public static final Setting<Boolean> GENERATE_REQUEST_ID = Setting.key("generate-request-id",
      "bool", "true", ValueParsers::bool, PER_REQUEST,
      "Make an `X-Request-Id` (32 hex digits) when none is kept; one is kept only from"
          + " `proxy-real-ip-cidr`. Sent upstream, returned, logged.");

  public static final Setting<String> LOG_FORMAT_UPSTREAM = Setting.key("log-format-upstream",
      "template", null, Catalog::template, PER_REQUEST,
      "The text access-log template (`--access-log-format text`), nginx variables. Absent:"
          + " ingress-nginx's default. An unknown variable refuses the version.");

  public static final Setting<Boolean> LOG_ESCAPE_JSON = Setting.key("log-format-escape-json",
      "bool", "false", ValueParsers::bool, PER_REQUEST,
      "Escape text access-log values JSON-style instead of nginx's `\\xHH`.");

  public static final Setting<List<String>> SKIP_ACCESS_LOG_URLS = Setting.key(
      "skip-access-log-urls", "URI list", "", ValueParsers::list, PER_REQUEST,
      "Comma-separated request URIs (exact, with or without the query) not logged.");

  public static final Setting<List<String>> LOG_CAPTURE_HEADERS = Setting.key(
      "bollard-log-capture-headers", "header list", "",
      v -> checkedCapture(ValueParsers.list(v), List.of()), PER_REQUEST,
      "Comma-separated upstream response headers logged as fields: `X-User-Id` (field"
          + " `x_user_id`) or `X-User-Id:user_id`. Removed from the client's response unless"
          + " kept.");

  public static final Setting<List<String>> LOG_CAPTURE_PREFIXES = Setting.key(
      "bollard-log-capture-prefixes", "prefix list", "",
      v -> checkedCapture(List.of(), ValueParsers.list(v)), PER_REQUEST,
      "Comma-separated header-name prefixes captured the same way: `X-Log-` logs"
          + " `X-Log-Account` as `account`; `X-Log-:app_` as `app_account`.");

  public static final Setting<Boolean> LOG_KEEP_CAPTURED = Setting.key(
      "bollard-log-keep-captured-headers", "bool", "false", ValueParsers::bool, PER_REQUEST,
      "Leave captured headers in the client's response.");

  public static final Setting<List<String>> LOG_REDACT_QUERY_PARAMS = Setting.key(
      "bollard-log-redact-query-params", "name list", "", ValueParsers::list, PER_REQUEST,
      "Comma-separated query parameters whose values are logged as `REDACTED`.");

  public static final Setting<Boolean> LOG_DROP_QUERY = Setting.key("bollard-log-drop-query",
      "bool", "false", ValueParsers::bool, PER_REQUEST, "Log no query strings at all.");

  public static final Setting<Integer> LOG_MAX_VALUE_LENGTH = Setting.key(
      "bollard-log-max-value-length", "number", "2048", v -> ValueParsers.intBetween(v, 16, 65_536),
      PER_REQUEST,
      "Longest value of one access-log field; longer ones are cut and end in `...`.");

  public static final Setting<List<HeaderRules.Rule>> REQUEST_HEADERS = Setting.key(
      "bollard-request-headers", "rules", "", HeaderRules::parseLines, PER_REQUEST,
      "Header rules for requests sent upstream, one per line: `set Name: value`,"
          + " `add Name: value`, `clear Name`.");

  public static final Setting<List<HeaderRules.Rule>> RESPONSE_HEADERS = Setting.key(
      "bollard-response-headers", "rules", "", HeaderRules::parseLines, PER_REQUEST,
      "Header rules for responses sent to clients (also those Bollard makes), same syntax; an"
          + " Ingress's rules run after these.");

  public static final Setting<String> PROXY_SET_HEADERS = Setting.key(
      "proxy-set-headers", "namespace/name", "", ValueParsers::configMapRef, PER_REQUEST,
      "A ConfigMap whose entries are set on every request sent upstream (ingress-nginx's"
          + " `proxy_set_header`; nginx variables such as `$remote_addr` expanded per request, an"
          + " empty value removes the header). Read again whenever it changes. Missing, or a bad"
          + " entry: a problem, and those headers are not sent. `bollard-request-headers` and an"
          + " Ingress's own header rules run after these.");

  public static final Setting<String> ADD_HEADERS = Setting.key(
      "add-headers", "namespace/name", "", ValueParsers::configMapRef, PER_REQUEST,
      "A ConfigMap whose entries are set on every response to clients, whatever its status, also"
          + " those Bollard makes (ingress-nginx's `more_set_headers`; nginx variables expanded)."
          + " Read again whenever it changes. Missing, or a bad entry: a problem, and those"
          + " headers are not added. `bollard-response-headers`, `custom-headers` and an"
          + " Ingress's own header rules run after these.");

  public static final Setting<List<String>> HIDE_HEADERS = Setting.key(
      "hide-headers", "header list", "", Catalog::hiddenHeaders, PER_REQUEST,
      "Comma-separated headers removed from upstreams' responses before they reach clients"
          + " (ingress-nginx's `proxy_hide_header`); header rules may still set them.");

  public static final Setting<Boolean> HSTS = Setting.key("hsts", "bool", "true",
      ValueParsers::bool, PER_REQUEST, "Send `Strict-Transport-Security` on TLS responses.");

  public static final Setting<Long> HSTS_MAX_AGE = Setting.key("hsts-max-age", "seconds",
      "31536000", ValueParsers::nonNegativeSeconds, PER_REQUEST, "The HSTS `max-age`.");

  public static final Setting<Boolean> HSTS_INCLUDE_SUBDOMAINS = Setting.key(
      "hsts-include-subdomains", "bool", "true", ValueParsers::bool, PER_REQUEST,
      "Add `includeSubDomains` to the HSTS header.");

  public static final Setting<Boolean> HSTS_PRELOAD = Setting.key("hsts-preload", "bool",
      "false", ValueParsers::bool, PER_REQUEST, "Add `preload` to the HSTS header.");

  public static final Setting<Boolean> SSL_REDIRECT = Setting.key("ssl-redirect", "bool", "true",
      ValueParsers::bool, PER_REQUEST,
      "Redirect plain HTTP requests for hosts with TLS to HTTPS (308).");

  public static final Setting<List<String>> AUTH_HOSTS = Setting.key("bollard-auth-hosts",
      "host list", "", v -> ValueParsers.list(v.toLowerCase(Locale.ROOT)), PER_REQUEST,
      "Comma-separated hosts (`staging.example.com`, `*.preview.example.com`) guarded by Basic"
          + " auth with `bollard-auth-secret`, whatever route serves them; an Ingress's own"
          + " `auth-*` annotations win on its routes.");

  public static final Setting<String> AUTH_SECRET = Setting.key("bollard-auth-secret",
      "namespace/name", null, ValueParsers::secretRef, PER_REQUEST,
      "The Secret of the global guard, htpasswd text under key `auth`. Missing Secret or key: the"
          + " guarded hosts answer 503.");

  public static final Setting<String> AUTH_REALM = Setting.key("bollard-auth-realm", "text",
      "Authentication Required", String::strip, PER_REQUEST,
      "The realm of the global guard's `WWW-Authenticate` challenge.");

  public static final Setting<List<String>> AUTH_EXEMPT_PATHS = Setting.key(
      "bollard-auth-exempt-paths", "path list", "", ValueParsers::list, PER_REQUEST,
      "Comma-separated paths every guard lets through without credentials (health checks);"
          + " `/status/` exempts everything below. ACME challenges and `/robots.txt` never ask"
          + " anyway.");

  public static final Setting<Boolean> AUTH_FORWARD_AUTHORIZATION = Setting.key(
      "bollard-auth-forward-authorization", "bool", "false", ValueParsers::bool, PER_REQUEST,
      "Send the `Authorization` header upstream after a successful Basic-auth check.");

  public static final Setting<CidrSet> WHITELIST_SOURCE_RANGE = Setting.key(
      "whitelist-source-range", "CIDR list", "", Catalog::cidrSet, PER_REQUEST,
      "Comma-separated addresses and CIDRs (IPv4, IPv6): the only clients every route serves"
          + " unless its Ingress has an `allowlist-source-range` (or `whitelist-source-range`)"
          + " annotation; others get 403. The real client address counts (PROXY protocol, trusted"
          + " `X-Forwarded-For`). Empty: every client.");

  public static final Setting<CidrSet> DENYLIST_SOURCE_RANGE = Setting.key(
      "denylist-source-range", "CIDR list", "", Catalog::cidrSet, PER_REQUEST,
      "Comma-separated addresses and CIDRs refused (403) by every route unless its Ingress has a"
          + " `denylist-source-range` annotation of its own.");

  public static final Setting<CidrSet> BLOCK_CIDRS = Setting.key(
      "block-cidrs", "CIDR list", "", Catalog::cidrSet, PER_REQUEST,
      "Comma-separated addresses and CIDRs refused (403) everywhere, on every host and route,"
          + " whatever the annotations say (ingress-nginx loses it on routes with an address"
          + " annotation: nginx's allow/deny rules do not inherit).");

  public static final Setting<MapPatterns> BLOCK_USER_AGENTS = Setting.key(
      "block-user-agents", "list", "", Catalog::mapPatterns, PER_REQUEST,
      "Comma-separated `User-Agent`s refused (403) everywhere: a plain entry matches the whole"
          + " header ignoring case, `~regex` anywhere in it, `~*regex` ignoring case (RE2 syntax,"
          + " as nginx's `map`).");

  public static final Setting<MapPatterns> BLOCK_REFERERS = Setting.key(
      "block-referers", "list", "", Catalog::mapPatterns, PER_REQUEST,
      "Comma-separated `Referer`s refused (403) everywhere, written as `block-user-agents`: a"
          + " plain entry matches the whole header ignoring case, `~regex` anywhere in it,"
          + " `~*regex` ignoring case (RE2 syntax).");

  public static final Setting<Boolean> ALLOW_SNIPPET_ANNOTATIONS = Setting.key(
      "allow-snippet-annotations", "bool", "false", ValueParsers::bool, PER_REQUEST,
      "Apply Ingresses' `*-snippet` annotations as far as Bollard can translate them: never run,"
          + " their header, `return` and `rewrite` directives become steps and every other"
          + " directive is a problem. `false` (ingress-nginx's default): each snippet is reported"
          + " and not applied.");

  public static final Setting<Boolean> CUSTOM_HEADERS_FAIL_CLOSED = Setting.key(
      "bollard-custom-headers-fail-closed", "bool", "false", ValueParsers::bool, PER_REQUEST,
      "Answer 503 on every route of an Ingress whose `custom-headers` ConfigMap is missing or"
          + " holds a bad header name, as ingress-nginx does. `false` (Bollard's default) serves"
          + " those routes without the custom headers; the problem is reported either way.");
  public static final Setting<String> GLOBAL_AUTH_URL = Setting.key(
      "global-auth-url", "URL", "", Catalog::authUrl, PER_REQUEST,
      "External authentication for every route whose Ingress has no `auth-url` and does not say"
          + " `enable-global-auth: \"false\"`: the URL of the auth service (`http://` or"
          + " `https://`, nginx variables allowed), asked before each request as for `auth-url`."
          + " Empty: none.");

  public static final Setting<String> GLOBAL_AUTH_METHOD = Setting.key(
      "global-auth-method", "method", "", String::strip, PER_REQUEST,
      "The method of the global auth request (`auth-method`); `GET` when empty.");

  public static final Setting<String> GLOBAL_AUTH_SIGNIN = Setting.key(
      "global-auth-signin", "URL", "", String::strip, PER_REQUEST,
      "Where a 401 of the global auth service sends the client (`auth-signin`), with the original"
          + " URL in `rd=`.");

  public static final Setting<String> GLOBAL_AUTH_SIGNIN_REDIRECT_PARAM = Setting.key(
      "global-auth-signin-redirect-param", "name", "", String::strip, PER_REQUEST,
      "The signin URL's parameter for the original URL (`auth-signin-redirect-param`); `rd` when"
          + " empty.");

  public static final Setting<String> GLOBAL_AUTH_RESPONSE_HEADERS = Setting.key(
      "global-auth-response-headers", "header list", "", String::strip, PER_REQUEST,
      "Comma-separated headers copied from the global auth service's 2xx answer onto the upstream"
          + " request (`auth-response-headers`); a client's own copies are removed first.");

  public static final Setting<String> GLOBAL_AUTH_REQUEST_REDIRECT = Setting.key(
      "global-auth-request-redirect", "text", "", String::strip, PER_REQUEST,
      "The `X-Auth-Request-Redirect` sent to the global auth service (`auth-request-redirect`);"
          + " the request URI when empty.");

  public static final Setting<String> GLOBAL_AUTH_CACHE_KEY = Setting.key(
      "global-auth-cache-key", "template", "", String::strip, PER_REQUEST,
      "Caches the global auth service's answers under this key (`auth-cache-key`); the client's"
          + " `Cookie` and `Authorization` are always part of the key, so users never share one.");

  public static final Setting<String> GLOBAL_AUTH_CACHE_DURATION = Setting.key(
      "global-auth-cache-duration", "list", "", String::strip, PER_REQUEST,
      "How long answers are cached, by status (`auth-cache-duration`, e.g. `200 202 10m, 401"
          + " 5m`); `200 202 401 5m` when empty.");

  /** Every setting in documentation order: the fixed flags first, then the keys. */
  public static final List<Setting<?>> ALL = List.of(
      MANIFESTS, KUBECONFIG, WATCH_NAMESPACE, NAMESPACE, PUBLISH_SERVICE, PUBLISH_STATUS_ADDRESS,
      ELECTION_ID, LEADER_LEASE_DURATION, LEADER_RENEW_DEADLINE, LEADER_RETRY_PERIOD,
      STATUS_WRITES_PER_SECOND, EVENT_WRITES_PER_SECOND, PROBLEM_EVENT_DELAY,
      ADMIN_LISTEN, ECHO_BACKEND, REBUILD_HOLD_OFF, REBUILD_MAX_DELAY,
      CONFIG, CONFIG_VERSION, INGRESS_CLASS, CONTROLLER_NAME, WATCH_INGRESS_WITHOUT_CLASS,
      ENABLE_SSL_PASSTHROUGH,
      ACCESS_LOG, ACCESS_LOG_FORMAT, ACCESS_LOG_QUEUE,
      HTTPS_LISTEN, HTTPS_REDIRECT_PORT, DEFAULT_SSL_CERTIFICATE, ACME_DIRECTORY, ACME_EMAIL,
      ACME_ACCOUNT_SECRET, ACME_CHALLENGES_CONFIGMAP, ACME_DIR, ACME_CA_FILE, ACME_RENEW_WHEN_REMAINING,
      ACME_CHALLENGE_TYPES,
      LISTEN, IO_THREADS, TRANSPORT, MAX_HEADER_BYTES, MAX_URI_BYTES, MAX_REQUEST_HEADERS, SHUTDOWN_GRACE,
      UPSTREAM_IDLE_TIMEOUT,
      BODY_SIZE, REQUEST_BUFFERING, CLIENT_BODY_BUFFER_SIZE, CLIENT_BODY_TEMP_SIZE,
      CUSTOM_HTTP_ERRORS, LIMIT_REQ_STATUS_CODE, LIMIT_CONN_STATUS_CODE, LIMIT_RATE,
      LIMIT_RATE_AFTER,
      CONNECT_TIMEOUT, READ_TIMEOUT, SEND_TIMEOUT, CLIENT_HEADER_TIMEOUT, KEEP_ALIVE,
      KEEP_ALIVE_REQUESTS, USE_HTTP2, HTTP2_MAX_CONCURRENT_STREAMS, HTTP2_MAX_FIELD_SIZE,
      HTTP2_MAX_HEADER_SIZE, HTTP2_MAX_REQUESTS, CLIENT_BODY_TIMEOUT, CLIENT_SEND_TIMEOUT,
      NEXT_UPSTREAM, NEXT_UPSTREAM_TRIES, NEXT_UPSTREAM_TIMEOUT, RETRY_NON_IDEMPOTENT, LOAD_BALANCE,
      UPSTREAM_HASH_BY, USE_PROXY_PROTOCOL,
      REAL_IP_CIDR, USE_FORWARDED_HEADERS, ENABLE_REAL_IP,
      FORWARDED_FOR_HEADER, GENERATE_REQUEST_ID, LOG_FORMAT_UPSTREAM, LOG_ESCAPE_JSON,
      SKIP_ACCESS_LOG_URLS, LOG_CAPTURE_HEADERS, LOG_CAPTURE_PREFIXES, LOG_KEEP_CAPTURED,
      LOG_REDACT_QUERY_PARAMS, LOG_DROP_QUERY, LOG_MAX_VALUE_LENGTH, REQUEST_HEADERS,
      RESPONSE_HEADERS, PROXY_SET_HEADERS, ADD_HEADERS, HIDE_HEADERS, SERVER_TOKENS, ALLOW_BACKEND_SERVER_HEADER, HSTS, HSTS_MAX_AGE,
      HSTS_INCLUDE_SUBDOMAINS, HSTS_PRELOAD, SSL_REDIRECT,
      AUTH_HOSTS, AUTH_SECRET, AUTH_REALM, AUTH_EXEMPT_PATHS, AUTH_FORWARD_AUTHORIZATION,
      WHITELIST_SOURCE_RANGE, DENYLIST_SOURCE_RANGE, BLOCK_CIDRS, BLOCK_USER_AGENTS, BLOCK_REFERERS,
      ALLOW_SNIPPET_ANNOTATIONS, CUSTOM_HEADERS_FAIL_CLOSED, GLOBAL_AUTH_URL, GLOBAL_AUTH_METHOD,
      GLOBAL_AUTH_SIGNIN, GLOBAL_AUTH_SIGNIN_REDIRECT_PARAM, GLOBAL_AUTH_RESPONSE_HEADERS,
      GLOBAL_AUTH_REQUEST_REDIRECT, GLOBAL_AUTH_CACHE_KEY, GLOBAL_AUTH_CACHE_DURATION);

  static {
    Set<String> names = new HashSet<>();
    for (Setting<?> s : ALL) {
      for (String name : new String[] {s.flag(), s.key()}) {
        if (name != null && !names.add(name)) {
          throw new IllegalStateException("setting " + name + " is declared twice");
        }
      }
    }
  }

  /** What the proxy keeps for its whole life, from the flags' values. */
  public static ServerSettings server(SettingValues v) {
    return new ServerSettings(v.get(LISTEN), v.get(IO_THREADS), v.get(MAX_HEADER_BYTES),
        v.get(MAX_URI_BYTES), v.get(MAX_REQUEST_HEADERS), v.get(SHUTDOWN_GRACE),
        v.get(UPSTREAM_IDLE_TIMEOUT), v.get(TRANSPORT));
  }

  /**
   * The final settings a snapshot carries, from resolved values (a config version's keys over the
   * flags' values over the defaults).
   *
   * @throws IllegalArgumentException if values contradict each other (the message says which)
   */
  public static GlobalSettings global(SettingValues v) {
    LogSettings log = new LogSettings(
        CaptureRules.parse(v.get(LOG_CAPTURE_HEADERS), v.get(LOG_CAPTURE_PREFIXES),
            v.get(LOG_KEEP_CAPTURED)),
        new QueryRedaction(v.get(LOG_DROP_QUERY), Set.copyOf(v.get(LOG_REDACT_QUERY_PARAMS))),
        v.orNull(LOG_FORMAT_UPSTREAM), v.get(LOG_ESCAPE_JSON), v.get(SKIP_ACCESS_LOG_URLS),
        v.get(LOG_MAX_VALUE_LENGTH));
    EdgeSettings edge = new EdgeSettings(log,
        new HeaderRules(v.get(REQUEST_HEADERS),
            serverHeader(v.get(SERVER_TOKENS), v.get(ALLOW_BACKEND_SERVER_HEADER),
                v.get(RESPONSE_HEADERS))), v.get(ENABLE_REAL_IP),
        v.get(FORWARDED_FOR_HEADER), v.get(GENERATE_REQUEST_ID));
    // The guard's policy is resolved from the Secret by translation, after this.
    AuthSettings auth = new AuthSettings(v.get(AUTH_HOSTS), v.orNull(AUTH_SECRET),
        v.get(AUTH_REALM), v.get(AUTH_EXEMPT_PATHS), v.get(AUTH_FORWARD_AUTHORIZATION), null);
    // keep-alive 0 is nginx's way to turn keep-alive off: one request per connection, so the idle
    // timeout (which must stay positive) never runs.
    boolean keepAliveOff = v.get(KEEP_ALIVE).isZero();
    return GlobalSettings.builder()
        .maxBodyBytes(v.get(BODY_SIZE))
        .timeouts(new Timeouts(v.get(CONNECT_TIMEOUT), v.get(READ_TIMEOUT), v.get(SEND_TIMEOUT),
            v.get(CLIENT_HEADER_TIMEOUT),
            keepAliveOff ? v.get(CLIENT_HEADER_TIMEOUT) : v.get(KEEP_ALIVE),
            v.get(CLIENT_BODY_TIMEOUT), v.get(CLIENT_SEND_TIMEOUT)))
        .useProxyProtocol(v.get(USE_PROXY_PROTOCOL))
        .realIpCidrs(v.get(REAL_IP_CIDR))
        .useForwardedHeaders(v.get(USE_FORWARDED_HEADERS))
        .hsts(new Hsts(v.get(HSTS), v.get(HSTS_MAX_AGE), v.get(HSTS_INCLUDE_SUBDOMAINS),
            v.get(HSTS_PRELOAD)))
        .sslRedirect(v.get(SSL_REDIRECT))
        .auth(auth)
        .edge(edge)
        .bodyBuffering(new BodyBuffering(v.get(REQUEST_BUFFERING), v.get(CLIENT_BODY_BUFFER_SIZE),
            v.get(CLIENT_BODY_TEMP_SIZE)))
        .nextUpstream(new NextUpstream(v.get(NEXT_UPSTREAM), v.get(NEXT_UPSTREAM_TRIES),
            v.get(NEXT_UPSTREAM_TIMEOUT), v.get(RETRY_NON_IDEMPOTENT)))
        .allowSnippetAnnotations(v.get(ALLOW_SNIPPET_ANNOTATIONS))
        .customHeadersFailClosed(v.get(CUSTOM_HEADERS_FAIL_CLOSED))
        .keepAliveRequests(keepAliveOff ? 1 : v.get(KEEP_ALIVE_REQUESTS))
        .customHttpErrors(v.get(CUSTOM_HTTP_ERRORS))
        .access(new AccessRules(v.get(WHITELIST_SOURCE_RANGE), v.get(DENYLIST_SOURCE_RANGE),
            v.get(BLOCK_CIDRS), v.get(BLOCK_USER_AGENTS), v.get(BLOCK_REFERERS)))
        .limitStatus(new LimitStatus(v.get(LIMIT_REQ_STATUS_CODE), v.get(LIMIT_CONN_STATUS_CODE)))
        .responseRate(new ResponseRate(v.get(LIMIT_RATE) * 1024L, v.get(LIMIT_RATE_AFTER) * 1024L))
        .globalAuth(new GlobalAuth(v.get(GLOBAL_AUTH_URL), v.get(GLOBAL_AUTH_METHOD),
            v.get(GLOBAL_AUTH_SIGNIN), v.get(GLOBAL_AUTH_SIGNIN_REDIRECT_PARAM),
            v.get(GLOBAL_AUTH_RESPONSE_HEADERS), v.get(GLOBAL_AUTH_REQUEST_REDIRECT),
            v.get(GLOBAL_AUTH_CACHE_KEY), v.get(GLOBAL_AUTH_CACHE_DURATION), ""))
        .loadBalance(v.get(LOAD_BALANCE))
        .upstreamHashBy(java.util.Objects.requireNonNullElse(v.orNull(UPSTREAM_HASH_BY), ""))
        .headerMaps(new HeaderMaps(v.get(PROXY_SET_HEADERS), v.get(ADD_HEADERS),
            v.get(HIDE_HEADERS), java.util.Map.of(), java.util.Map.of()))
        .http2(new Http2Settings(v.get(USE_HTTP2), v.get(HTTP2_MAX_CONCURRENT_STREAMS),
            v.get(HTTP2_MAX_FIELD_SIZE), v.get(HTTP2_MAX_HEADER_SIZE), v.get(HTTP2_MAX_REQUESTS)))
        .build();
  }

  /** An auth URL: empty, or {@code http(s)://host...} (checked now unless it has variables). */
  private static String authUrl(String value) {
    String url = value.strip();
    if (!url.isEmpty()) {
      ExternalAuth.builder("global-auth-url", VariableTemplate.parse(url, 0));
    }
    return url;
  }

  /** {@code hide-headers}: header names that header rules may change. */
  private static List<String> hiddenHeaders(String value) {
    List<String> names = ValueParsers.list(value);
    for (String name : names) {
      new HeaderRules.Rule(HeaderRules.Op.CLEAR, name, "");
    }
    return names;
  }

  /** An HTTP/2 size limit: 0 (none of its own), or from {@code min} bytes to 16 MiB. */
  private static int http2Size(String value, int min) {
    long n = ValueParsers.size(value);
    if (n != 0 && (n < min || n > 16L << 20)) {
      throw new IllegalArgumentException(ValueParsers.quote(value) + " (expected: 0, or a size"
          + " from " + min + " bytes to 16m)");
    }
    return (int) n;
  }

  private static CidrSet cidrSet(String value) {
    return CidrSet.parse(Arrays.asList(value.split(",")));
  }

  private static MapPatterns mapPatterns(String value) {
    return MapPatterns.parse(Arrays.asList(value.split(",")));
  }

  /**
   * {@code server-tokens} as the first response rule, so an operator's own rules still win:
   * ingress-nginx clears {@code Server} (nginx never passes an upstream's on) unless it is on.
   * With {@code allow-backend-server-header} there is no rule: an upstream's header passes.
   */
  private static List<HeaderRules.Rule> serverHeader(boolean tokens, boolean backend,
      List<HeaderRules.Rule> rules) {
    if (backend) {
      return rules;
    }
    String version = Catalog.class.getPackage().getImplementationVersion();
    HeaderRules.Rule server = tokens
        ? new HeaderRules.Rule(HeaderRules.Op.SET, "Server",
            version == null ? "Bollard" : "Bollard/" + version)
        : new HeaderRules.Rule(HeaderRules.Op.CLEAR, "Server", "");
    List<HeaderRules.Rule> all = new ArrayList<>(rules.size() + 1);
    all.add(server);
    all.addAll(rules);
    return all;
  }

  private static LoadBalance loadBalance(String value) {
    LoadBalance balance = LoadBalance.byKey(value);
    if (balance == null) {
      throw new IllegalArgumentException("\"" + value.strip() + "\" is not an algorithm"
          + " (expected round_robin, ewma or least_conn)");
    }
    return balance;
  }

  /** The key's expression, checked as the route step compiles it. */
  private static String hashKey(String value) {
    return UpstreamHashBy.parse(value).key().source();
  }

  private static String template(String value) {
    LogSettings.checkTemplate(value.strip());
    return value.strip();
  }

  private static List<String> checkedCapture(List<String> headers, List<String> prefixes) {
    CaptureRules.parse(headers, prefixes, false);
    return headers.isEmpty() ? prefixes : headers;
  }
}
