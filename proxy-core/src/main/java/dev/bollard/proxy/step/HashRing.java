package dev.bollard.proxy.step;

import com.github.benmanes.caffeine.cache.Cache;
import dev.bollard.proxy.config.Backend;
import dev.bollard.proxy.config.Endpoint;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A consistent-hash ring over a backend's ready endpoints (ketama style, as nginx's {@code hash …
 * consistent} and ingress-nginx's {@code chash}): each endpoint owns {@value #POINTS} points of a
 * 64-bit circle, and a key belongs to the endpoint of the first point at or after its hash. When
 * an endpoint joins or leaves, only the keys of its arcs move (about 1/N of them); every other
 * key keeps its endpoint. What {@code upstream-hash-by} and balanced sticky sessions map keys with.
 *
 * <p>Immutable. Built once per {@link Backend} value (its endpoints change only with a new
 * snapshot, which brings new {@code Backend} objects) and kept while the backend is.
 */
public final class HashRing {

  /** Points per endpoint: nginx's 160, enough that shares stay within a few percent. */
  static final int POINTS = 160;

  private static final Cache<Backend, HashRing> RINGS = BackendMemo.sharedCache();

  private final long[] points;
  private final Endpoint[] owners;

  private HashRing(List<Endpoint> endpoints) {
    int n = endpoints.size();
    long[] packed = new long[n * POINTS];
    long[] hashes = new long[n * POINTS];
    Integer[] order = new Integer[n * POINTS];
    for (int e = 0; e < n; e++) {
      String name = endpoints.get(e).toString();
      for (int i = 0; i < POINTS; i++) {
        int k = e * POINTS + i;
        hashes[k] = hash(name + "-" + i);
        order[k] = k;
      }
    }
    // Ties (two points on the same hash) go to the endpoint that sorts first: independent of the
    // order the endpoints came in.
    Arrays.sort(order, (a, b) -> {
      int c = Long.compareUnsigned(hashes[a], hashes[b]);
      return c != 0 ? c : endpoints.get(a / POINTS).compareTo(endpoints.get(b / POINTS));
    });
    this.points = packed;
    this.owners = new Endpoint[n * POINTS];
    for (int k = 0; k < order.length; k++) {
      points[k] = hashes[order[k]];
      owners[k] = endpoints.get(order[k] / POINTS);
    }
  }

  /** The ring of {@code backend}'s ready endpoints, built on first use. */
  public static HashRing of(Backend backend) {
    return RINGS.get(backend, b -> new HashRing(b.endpoints()));
  }

  /** A ring over {@code endpoints}, not cached. */
  static HashRing over(List<Endpoint> endpoints) {
    return new HashRing(endpoints);
  }

  /** The endpoint {@code keyHash} belongs to, or {@code null} when the ring is empty. */
  public @Nullable Endpoint pick(long keyHash) {
    int n = points.length;
    if (n == 0) {
      return null;
    }
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(points[mid], keyHash) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return owners[lo == n ? 0 : lo];
  }

  /** The endpoint {@code key} belongs to, or {@code null} when the ring is empty. */
  public @Nullable Endpoint pick(CharSequence key) {
    return pick(hash(key));
  }

  /**
   * A 64-bit hash of {@code key}'s characters: FNV-1a, then MurmurHash3's finaliser so that keys
   * differing in one character land far apart. Stable across runs and replicas (no seed), so that
   * every replica maps a key to the same endpoint.
   */
  public static long hash(CharSequence key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0, n = key.length(); i < n; i++) {
      char c = key.charAt(i);
      h = (h ^ (c & 0xff)) * 0x100000001b3L;
      h = (h ^ (c >>> 8)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
