package dev.bollard.controller.cli;

import dev.bollard.controller.settings.Catalog;
import dev.bollard.controller.settings.Setting;
import dev.bollard.controller.settings.SettingValues;
import java.util.ArrayList;
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
          .description(helpLines(description(s)))
          .build();
    }
    return OptionSpec.builder(flag)
        // The label already shows any list syntax (ADDR[,ADDR...]): picocli adds none of its own.
        .paramLabel(s.type())
        .hideParamSyntax(true)
        .type(Object.class)
        .converters(value -> {
          try {
            return s.parse(value);
          } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
          }
        })
        .defaultValue(s.defaultValue())
        .description(helpLines(description(s)))
        .build();
  }

  /** The option's help text: the setting's, its default, its key, its variable. */
  static String description(Setting<?> s) {
    String d = s.defaultValue();
    return s.description()
        + (d == null || d.isEmpty() ? "" : " Default: " + d + ".")
        + (s.key() == null ? "" : " The ConfigMap key " + s.key() + " overrides it.")
        + " Env: " + s.environmentVariable() + ".";
  }

  /**
   * Width of the description column of picocli's option list at its default 80 columns (the
   * column starts at 29), less one.
   */
  static final int HELP_COLUMN = 80 - 29 - 1;

  /** Continuation lines of a description are indented by this much, as picocli's own are. */
  private static final String HELP_INDENT = "  ";

  /**
   * The help text as lines that fit the option list's description column, broken between words
   * only. Picocli breaks where {@link java.text.BreakIterator} allows, which includes after the
   * {@code :} and {@code .} inside {@code 0.0.0.0:8080} and {@code bollard.dev/config}; lines that
   * already fit are left whole. {@code %} and {@code $} are escaped: the text is not a format.
   */
  static String[] helpLines(String text) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > HELP_COLUMN) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() == 0 && !lines.isEmpty()) {
        line.append(HELP_INDENT);
      } else if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines.stream()
        .map(l -> l.replace("%", "%%").replace("${", "$${"))
        .toArray(String[]::new);
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
