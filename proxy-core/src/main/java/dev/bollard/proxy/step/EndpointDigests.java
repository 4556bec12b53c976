package dev.bollard.proxy.step;

import com.github.benmanes.caffeine.cache.Cache;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The names a persistent sticky cookie gives a backend's ready endpoints: a digest of the backend's
 * id and the endpoint's address (the first 128 bits of SHA-256, {@value #LENGTH} hexadecimal
 * digits), so that the cookie does not show the address and every replica names an endpoint alike,
 * as ingress-nginx's salted digest. A name finds its endpoint only while that endpoint is ready.
 *
 * <p>Immutable. Built once per {@link Backend} value and kept while the backend is, as {@link
 * HashRing}.
 */
final class EndpointDigests {

  /** Hexadecimal digits in a name. */
  static final int LENGTH = 32;

  private static final Cache<Backend, EndpointDigests> DIGESTS = BackendMemo.sharedCache();

  /** The digests' first and second 64 bits, sorted by the first (unsigned), and their owners. */
  private final long[] high;
  private final long[] low;
  private final Endpoint[] owners;

  private EndpointDigests(Backend backend) {
    List<Endpoint> endpoints = backend.endpoints();
    int n = endpoints.size();
    long[][] digests = new long[n][];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      digests[i] = digest(backend.id(), endpoints.get(i));
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compareUnsigned(digests[a][0], digests[b][0]));
    high = new long[n];
    low = new long[n];
    owners = new Endpoint[n];
    for (int k = 0; k < n; k++) {
      high[k] = digests[order[k]][0];
      low[k] = digests[order[k]][1];
      owners[k] = endpoints.get(order[k]);
    }
  }

  /** The names of {@code backend}'s ready endpoints, built on first use. */
  static EndpointDigests of(Backend backend) {
    return DIGESTS.get(backend, EndpointDigests::new);
  }

  /**
   * The ready endpoint named by the {@value #LENGTH} characters of {@code text} from {@code
   * start}, or {@code null} when they are not such a name or name no ready endpoint.
   */
  @Nullable Endpoint find(String text, int start, int end) {
    if (end - start != LENGTH || !Hex.isHex(text, start, end)) {
      return null;
    }
    long hi = Hex.parse(text, start, start + 16);
    long lo = Hex.parse(text, start + 16, end);
    int lo0 = 0;
    int hi0 = high.length;
    while (lo0 < hi0) {
      int mid = (lo0 + hi0) >>> 1;
      if (Long.compareUnsigned(high[mid], hi) < 0) {
        lo0 = mid + 1;
      } else {
        hi0 = mid;
      }
    }
    for (int k = lo0; k < high.length && high[k] == hi; k++) {
      if (low[k] == lo) {
        return owners[k];
      }
    }
    return null;
  }

  /** The name of {@code endpoint}, or {@code null} when it is not one of the ready endpoints. */
  @Nullable String name(Endpoint endpoint) {
    for (int k = 0; k < owners.length; k++) {
      if (owners[k].equals(endpoint)) {
        return Hex.of(high[k]) + Hex.of(low[k]);
      }
    }
    return null;
  }

  private static long[] digest(String backendId, Endpoint endpoint) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
    byte[] d = sha.digest((backendId + " " + endpoint).getBytes(StandardCharsets.UTF_8));
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) {
      hi = (hi << 8) | (d[i] & 0xff);
      lo = (lo << 8) | (d[i + 8] & 0xff);
    }
    return new long[] {hi, lo};
  }
}
