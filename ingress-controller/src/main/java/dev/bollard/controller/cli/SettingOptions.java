package dev.bollard.controller.cli;

import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.Setting;
import dev.bollard.controller.settings.SettingValues;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The flags of the settings {@link Catalog}, made from its declarations: one picocli option per
 * setting with a flag, its value parsed by the setting's own parser (a refused value is a usage
 * error naming the flag), its default the declared one, its environment variable {@code
 * BOLLARD_<FLAG>} (read by {@link EnvironmentDefaults}, a flag wins).
 */
class SettingOptions implements CommandLine.IModelTransformer {

  /** The catalog's settings that have a flag. */
  static final List<Setting<?>> FLAGS =
      Catalog.ALL.stream().filter(s -> s.flag() != null).toList();

  @Override
  public CommandSpec transform(CommandSpec command) {
    for (Setting<?> s : flags()) {
      command.addOption(option(s));
    }
    return command;
  }

  /** The settings this command has flags for: all of them ({@code run}). */
  List<Setting<?>> flags() {
    return FLAGS;
  }

  /** The flags of {@code check}: which Ingresses and which config. */
  static final class ForCheck extends SettingOptions {
    @Override
    List<Setting<?>> flags() {
      return Catalog.CHECK_FLAGS;
    }
  }

  private static OptionSpec option(Setting<?> s) {
    String flag = s.flag();
    if (s.type().equals(Setting.SWITCH)) {
      // No value: present means true; the default (or the environment) says otherwise.
      return OptionSpec.builder(flag)
          .type(boolean.class)
          .arity("0")
          .defaultValue(s.defaultValue())
          .description(description(s))
          .build();
    }
    return OptionSpec.builder(flag)
        .paramLabel(s.type())
        .type(Object.class)
        .converters(value -> {
          try {
            return s.parse(value);
          } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
          }
        })
        .defaultValue(s.defaultValue())
        .description(description(s))
        .build();
  }

  /** The option's help text: the setting's, its default, its key, its variable. */
  static String description(Setting<?> s) {
    String d = s.defaultValue();
    return s.description()
        + (d == null || d.isEmpty() ? "" : " Default: ${DEFAULT-VALUE}.")
        + (s.key() == null ? "" : " The ConfigMap key " + s.key() + " overrides it.")
        + " Env: " + s.environmentVariable() + ".";
  }

  /** The README's table of these flags, in Markdown (a test keeps the two equal). */
  static String markdownTable() {
    StringBuilder sb = new StringBuilder();
    sb.append("| flag | default | meaning |\n");
    sb.append("|---|---|---|\n");
    for (Setting<?> s : FLAGS) {
      String d = s.defaultValue();
      sb.append("| `").append(s.flag())
          .append(s.type().equals(Setting.SWITCH) ? "" : " " + s.type()).append("` | ")
          .append(d == null || d.isEmpty() ? "none" : "`" + d + "`").append(" | ")
          .append(s.description());
      if (s.key() != null) {
        sb.append(" The ConfigMap key `").append(s.key()).append("` overrides it (")
            .append(s.applied().text()).append(").");
      }
      sb.append(" |\n");
    }
    return sb.toString();
  }

  /**
   * The flags' values after parsing {@code command}'s arguments, over the catalog defaults (for the
   * settings the command has no flag for).
   */
  static SettingValues values(CommandSpec command) {
    SettingValues values = SettingValues.DEFAULTS;
    for (Setting<?> s : FLAGS) {
      OptionSpec option = command.findOption(s.flag());
      if (option != null) {
        values = withParsed(values, s, option.getValue());
      }
    }
    return values;
  }

  @SuppressWarnings("unchecked") // The option's converter is the setting's parser: a T.
  private static <T> SettingValues withParsed(SettingValues values, Setting<T> s, Object value) {
    return values.with(s, (T) value);
  }
}
