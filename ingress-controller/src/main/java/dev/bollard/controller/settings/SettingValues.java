package dev.bollard.controller.settings;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A value for every setting of the {@link Catalog}, typed by its {@link Setting}. Immutable: {@link
 * #with} derives another.
 *
 * <p>{@link #DEFAULTS} holds each setting's declared default. The command line derives the values
 * of its flags from it; those are then the defaults a config version's keys are resolved over.
 */
public final class SettingValues {

  /** Every setting at its declared default. */
  public static final SettingValues DEFAULTS = defaults();

  private final Map<Setting<?>, @Nullable Object> values;

  private SettingValues(Map<Setting<?>, @Nullable Object> values) {
    this.values = values;
  }

  private static SettingValues defaults() {
    Map<Setting<?>, @Nullable Object> m = new IdentityHashMap<>();
    for (Setting<?> s : Catalog.ALL) {
      m.put(s, s.parsedDefault());
    }
    return new SettingValues(m);
  }

  /** These values with {@code value} for {@code setting}. */
  public <T> SettingValues with(Setting<T> setting, @Nullable T value) {
    Map<Setting<?>, @Nullable Object> m = new IdentityHashMap<>(values);
    m.put(requireKnown(setting), value);
    return new SettingValues(m);
  }

  /** The setting's value; {@code null} only for a setting without a default that nothing set. */
  @SuppressWarnings("unchecked") // with() only stores a T under a Setting<T>.
  public <T> @Nullable T orNull(Setting<T> setting) {
    return (T) values.get(requireKnown(setting));
  }

  /**
   * The setting's value.
   *
   * @throws IllegalStateException if it has none (no default, nothing set)
   */
  public <T> T get(Setting<T> setting) {
    T value = orNull(setting);
    if (value == null) {
      throw new IllegalStateException(setting.name() + ": no value (expected: a default or a set"
          + " value; use orNull for a setting whose absence means something)");
    }
    return value;
  }

  private Setting<?> requireKnown(Setting<?> setting) {
    if (!values.containsKey(setting)) {
      throw new IllegalArgumentException(
          setting.name() + ": not a setting of the catalog (expected: a Catalog constant)");
    }
    return setting;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    // Not IdentityHashMap.equals: it compares the values by reference too.
    if (!(o instanceof SettingValues other)) {
      return false;
    }
    for (Setting<?> s : Catalog.ALL) {
      if (!Objects.equals(values.get(s), other.values.get(s))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    // Order-free, as equals is.
    return values.entrySet().stream()
        .mapToInt(e -> System.identityHashCode(e.getKey()) ^ Objects.hashCode(e.getValue()))
        .sum();
  }

  /** {@code name=value} of every setting, in catalog order. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (Setting<?> s : Catalog.ALL) {
      sb.append(sb.length() > 1 ? ", " : "").append(s.name()).append('=').append(values.get(s));
    }
    return sb.append('}').toString();
  }
}
