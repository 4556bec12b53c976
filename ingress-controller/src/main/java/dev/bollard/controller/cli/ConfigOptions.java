package dev.bollard.controller.cli;

import dev.bollard.controller.settings.ConfigFamily;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The versioned-ConfigMap flags; shared by {@code run} and {@code check}. */
final class ConfigOptions {

  @Option(
      names = "--config",
      paramLabel = "[NS/]NAME",
      defaultValue = ConfigFamily.DEFAULT_NAME,
      description =
          "Config family: the ConfigMaps labelled bollard.dev/config=NAME in NS (default: the"
              + " controller's namespace; standalone: default), one per version"
              + " (bollard.dev/config-version=N). Default: ${DEFAULT-VALUE}. Env: BOLLARD_CONFIG.")
  String config;

  @Option(
      names = "--config-version",
      paramLabel = "N",
      defaultValue = "-1",
      description =
          "Pin this config version instead of the highest valid one; -1: no pin."
              + " Env: BOLLARD_CONFIG_VERSION.")
  long version;

  ConfigFamily family(CommandLine.Model.CommandSpec spec, String defaultNamespace) {
    try {
      return ConfigFamily.parse(config, defaultNamespace);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
  }

  long version() {
    return version < 0 ? -1 : version;
  }
}
