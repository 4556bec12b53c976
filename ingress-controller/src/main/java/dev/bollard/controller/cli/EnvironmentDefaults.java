package dev.bollard.controller.cli;

import dev.bollard.controller.settings.Setting;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Reads option defaults from {@code BOLLARD_*} environment variables: {@code --io-threads} from
 * {@code BOLLARD_IO_THREADS}. A flag on the command line wins; an unset variable falls back to the
 * option's own default.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

  /** kube-lego's variables, read when the {@code BOLLARD_*} one is unset. */
  private static final Map<String, String> KUBE_LEGO =
      Map.of("--acme-directory", "LEGO_URL", "--acme-email", "LEGO_EMAIL");

  private final Map<String, String> env;

  EnvironmentDefaults(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  @Override
  public @Nullable String defaultValue(ArgSpec argSpec) {
    if (argSpec instanceof OptionSpec option && option.longestName().startsWith("--")) {
      String variable = variableFor(option.longestName());
      return variable == null ? null : env.get(variable);
    }
    return null;
  }

  /**
   * The environment variable that sets {@code flag} here ({@code BOLLARD_*}, else kube-lego's),
   * or {@code null} if none is set.
   */
  @Nullable String variableFor(String flag) {
    if (flag.equals("--help") || flag.equals("--version")) {
      return null;
    }
    String variable = Setting.environmentVariable(flag);
    if (isSet(variable)) {
      return variable;
    }
    String legacy = KUBE_LEGO.get(flag);
    return legacy != null && isSet(legacy) ? legacy : null;
  }

  private boolean isSet(String variable) {
    String value = env.get(variable);
    return value != null && !value.isBlank();
  }
}
