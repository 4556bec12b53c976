package dev.bollard.controller.settings;

import dev.bollard.proxy.config.GlobalSettings;
import org.jspecify.annotations.Nullable;

/**
 * One key of the global config: its ingress-nginx name, how its value is written, its default,
 * what it does, and how it sets {@link GlobalSettings}.
 *
 * @param name the ConfigMap key, ingress-nginx's name where one exists
 * @param type how the value is written, for the docs: {@code size}, {@code seconds}, {@code bool}…
 * @param defaultValue the value used when the key is absent, as it would be written; {@code null}
 *     when absence means "the command-line flag's value"
 * @param description what the key does, one sentence
 * @param applied when the data plane honours it: {@code now}, or the issue that brings it
 * @param setter parses a value into the builder; throws {@link IllegalArgumentException} with a
 *     message saying what was expected
 */
public record ConfigKey(
    String name,
    String type,
    @Nullable String defaultValue,
    String description,
    String applied,
    Setter setter) {

  /** Parses one value into the settings being built. */
  @FunctionalInterface
  public interface Setter {
    /**
     * @throws IllegalArgumentException if the value is invalid; the message says what was expected
     */
    void set(String value, GlobalSettings.Builder settings);
  }
}
