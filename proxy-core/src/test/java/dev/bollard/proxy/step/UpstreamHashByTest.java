package dev.bollard.proxy.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import dev.bollard.proxy.guard.GuardVerdict;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class UpstreamHashByTest {

  private static final Backend BACKEND = new Backend("ns/app:80", List.of(
      new Endpoint("10.0.0.1", 80), new Endpoint("10.0.0.2", 80), new Endpoint("10.0.0.3", 80)));

  @Test
  void theSameKeyIsPinnedToTheSameEndpointAndTheRingDecidesWhich() throws Exception {
    UpstreamHashBy step = UpstreamHashBy.parse("$request_uri");
    Set<Endpoint> seen = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      Req first = new Req("/item/" + i, new DefaultHttpHeaders(), "10.1.1.1");
      Req again = new Req("/item/" + i, new DefaultHttpHeaders(), "10.2.2.2");
      assertThat(step.decide(first)).isEqualTo(StepOutcome.PASS);
      step.decide(again);
      assertThat(first.pinned).isNotNull().isEqualTo(again.pinned)
          .isEqualTo(HashRing.of(BACKEND).pick("/item/" + i));
      seen.add(first.pinned);
    }
    assertThat(seen).hasSize(3);
  }

  @Test
  void combinationsHeadersCookiesArgumentsAndAddressesMakeTheKey() throws Exception {
    HttpHeaders headers = new DefaultHttpHeaders()
        .add("X-User", "ana")
        .add("Cookie", "theme=dark; Session=s-42")
        .add("Cookie", "other=1");
    Req req = new Req("/p?a=1&ID=7&id=8", headers, "192.0.2.7");
    assertThat(expand("$host$request_uri", req)).isEqualTo("a.example/p?a=1&ID=7&id=8");
    assertThat(expand("$http_x_user", req)).isEqualTo("ana");
    assertThat(expand("$cookie_session", req)).isEqualTo("s-42");
    assertThat(expand("${cookie_other}", req)).isEqualTo("1");
    assertThat(expand("$cookie_missing", req)).isEmpty();
    assertThat(expand("$arg_id", req)).isEqualTo("7");
    assertThat(expand("$arg_a-$arg_none", req)).isEqualTo("1-");
    assertThat(expand("$remote_addr", req)).isEqualTo("192.0.2.7");
    // Four bytes, control bytes percent-encoded, bytes above 0x7f as the UTF-8 of their Latin-1
    // character (as every expansion encodes them): distinct per address, one header-safe line.
    assertThat(expand("$binary_remote_addr", req)).isEqualTo("%C3%80%00%02%07");
    assertThat(expand("$binary_remote_addr", new Req("/", headers, "192.0.2.8")))
        .isNotEqualTo(expand("$binary_remote_addr", req));
  }

  @Test
  void unknownVariablesAndEmptyKeysAreRefusedNamingWhat() {
    assertThatThrownBy(() -> UpstreamHashBy.parse("$request_uri$upstream_addr"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("$upstream_addr").hasMessageContaining("$cookie_<name>");
    assertThatThrownBy(() -> UpstreamHashBy.parse("  "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
  }

  @Test
  void aBackendWithOneEndpointOrNoneIsLeftAlone() throws Exception {
    UpstreamHashBy step = UpstreamHashBy.parse("$request_uri");
    Req one = new Req("/", new DefaultHttpHeaders(), "10.0.0.9");
    one.backend = new Backend("ns/one:80", List.of(new Endpoint("10.0.0.1", 80)));
    step.decide(one);
    assertThat(one.pinned).isNull();
    Req none = new Req("/", new DefaultHttpHeaders(), "10.0.0.9");
    none.backend = null;
    step.decide(none);
    assertThat(none.pinned).isNull();
  }

  private static String expand(String text, Req req) {
    return VariableTemplate.parse(text, 0).expand(req, VariableTemplate.Context.HEADER);
  }

  private static final class Req extends TestStepRequest {
    private final InetAddress client;
    @Nullable Backend backend = BACKEND;
    @Nullable Endpoint pinned;

    Req(String uri, HttpHeaders headers, String client) throws Exception {
      super("a.example", new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, headers));
      this.client = InetAddress.getByName(client);
    }

    @Override
    public @Nullable Backend backend() {
      return backend;
    }

    @Override
    public void pinEndpoint(Endpoint endpoint) {
      pinned = endpoint;
    }

    @Override
    public InetAddress client() {
      return client;
    }

    @Override
    public void guardVerdict(GuardVerdict verdict) {}
  }
}
