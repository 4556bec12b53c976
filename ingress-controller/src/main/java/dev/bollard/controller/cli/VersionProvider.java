package dev.bollard.controller.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest; a build from the IDE says so. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "bollard " + (version == null ? "(development build)" : version),
      "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
    };
  }
}
