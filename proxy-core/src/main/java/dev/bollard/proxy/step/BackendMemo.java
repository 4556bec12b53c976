package dev.bollard.proxy.step;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bollard.proxy.config.Backend;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What one step derives from the backends its requests go to (a {@link HashRing}, {@link
 * EndpointDigests}), remembered for the last two backends it was asked about (a route's backend
 * and its canary) by identity, so that a request costs two reference compares instead of a lookup
 * in the shared cache the value comes from. Any thread may ask: the entries are immutable, and a
 * lost update only means one more lookup.
 *
 * @param <T> what is derived
 */
final class BackendMemo<T> {

  private record Entry<T>(Backend backend, T value) {}

  private final Function<Backend, T> derive;
  private @Nullable Entry<T> latest;
  private @Nullable Entry<T> previous;

  /**
   * The process-wide cache behind a derivation ({@link HashRing#of}, {@link EndpointDigests#of}):
   * one value per {@code Backend} object while it is in use (weak keys: a backend goes with its
   * snapshot), its upkeep done by the calling thread (handing it to the common pool cost more
   * than the work, see docs/benchmarks.md).
   */
  static <T> Cache<Backend, T> sharedCache() {
    return Caffeine.newBuilder().weakKeys().maximumSize(100_000)
        .executor(Runnable::run).build();
  }

  /** @param derive the shared (cached) derivation, asked when neither entry is the backend */
  BackendMemo(Function<Backend, T> derive) {
    this.derive = Objects.requireNonNull(derive, "derive");
  }

  /** What {@code backend} gives. */
  T of(Backend backend) {
    Entry<T> e = latest;
    if (e != null && e.backend() == backend) {
      return e.value();
    }
    Entry<T> p = previous;
    if (p != null && p.backend() == backend) {
      return p.value();
    }
    T value = derive.apply(backend);
    previous = e;
    latest = new Entry<>(backend, value);
    return value;
  }
}
