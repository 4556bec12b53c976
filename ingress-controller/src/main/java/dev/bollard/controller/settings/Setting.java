package dev.bollard.controller.settings;

import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One setting, declared once in {@link Catalog}: everything the command line, the environment,
 * ConfigMap validation and the documentation need to know about it.
 *
 * <p>A setting has a flag, a ConfigMap key, or both. With both, the flag's value (or its default)
 * is the key's default: it is merged when a config version is resolved, never in the data plane.
 *
 * @param flag the command-line flag ({@code --connect-timeout}), or {@code null} for a key only
 * @param key the ConfigMap key, ingress-nginx's name where one exists, or {@code null} for a flag
 *     only (fixed for the process)
 * @param type how a value is written, for the docs and the flag's parameter label ({@code
 *     duration}, {@code size}, {@code bool}, {@code HOST:PORT}…)
 * @param defaultValue the value when nothing sets it, as it would be written; {@code null} when
 *     absence has its own meaning (the description says which)
 * @param description what it does, one or two sentences
 * @param applied when a new value takes effect
 * @param parser reads one written value; throws {@link IllegalArgumentException} saying what was
 *     expected
 * @param <T> the parsed value's type
 */
public record Setting<T>(
    @Nullable String flag,
    @Nullable String key,
    String type,
    @Nullable String defaultValue,
    String description,
    Applied applied,
    Function<String, T> parser) {

  /** The {@link #type} of a flag that takes no value: present means true. */
  public static final String SWITCH = "switch";

  /** When a new value of a setting takes effect. */
  public enum Applied {
    /** Fixed for the life of the process. */
    AT_START("at start"),
    /** For requests that start after the config version is published. */
    PER_REQUEST("new requests"),
    /** For connections accepted after the config version is published. */
    PER_CONNECTION("new connections");

    private final String text;

    Applied(String text) {
      this.text = text;
    }

    /** As the documentation tables write it. */
    public String text() {
      return text;
    }
  }

  public Setting {
    if (flag == null && key == null) {
      throw new IllegalArgumentException("a setting needs a flag, a ConfigMap key or both");
    }
    if (flag != null && !flag.matches("--[a-z0-9-]+")) {
      throw new IllegalArgumentException("flag: " + flag + " (expected: --lower-case-words)");
    }
    if (key == null && applied != Applied.AT_START) {
      throw new IllegalArgumentException(
          flag + ": applied " + applied + " (expected: AT_START, a flag alone cannot change)");
    }
  }

  /** A flag alone: fixed for the process. */
  static <T> Setting<T> flag(String flag, String type, @Nullable String defaultValue,
      Function<String, T> parser, String description) {
    return new Setting<>(flag, null, type, defaultValue, description, Applied.AT_START, parser);
  }

  /** A ConfigMap key alone. */
  static <T> Setting<T> key(String key, String type, @Nullable String defaultValue,
      Function<String, T> parser, Applied applied, String description) {
    return new Setting<>(null, key, type, defaultValue, description, applied, parser);
  }

  /** A ConfigMap key whose default is a flag's value. */
  static <T> Setting<T> flagAndKey(String flag, String key, String type, String defaultValue,
      Function<String, T> parser, Applied applied, String description) {
    return new Setting<>(flag, key, type, defaultValue, description, applied, parser);
  }

  /** The documentation name: the key if there is one, else the flag. */
  public String name() {
    return key != null ? key : flag.substring(2);
  }

  /** The environment variable that sets the flag ({@code BOLLARD_CONNECT_TIMEOUT}), or null. */
  public @Nullable String environmentVariable() {
    return flag == null ? null : environmentVariable(flag);
  }

  /** {@code --io-threads} is set by {@code BOLLARD_IO_THREADS}. */
  public static String environmentVariable(String longFlag) {
    return "BOLLARD_"
        + longFlag.replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
  }

  /**
   * Parses a written value.
   *
   * @throws IllegalArgumentException saying what was expected
   */
  public T parse(String value) {
    return parser.apply(value);
  }

  /** The default, parsed; {@code null} when the setting has none. */
  public @Nullable T parsedDefault() {
    return defaultValue == null ? null : parse(defaultValue);
  }
}
