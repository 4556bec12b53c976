package dev.bollard.controller;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module layout as rules over the main classes of every module (this module's tests see them
 * all): {@code auth} and {@code acme} are libraries without a network stack or a cluster client,
 * {@code proxy-core} is the data plane without a cluster client, and only the controller ties them
 * together. Within proxy-core and the controller, packages depend on each other one way only.
 */
@AnalyzeClasses(
    packages = "dev.bollard",
    importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {

  @ArchTest
  static final ArchRule authAndAcmeKnowNoNettyNoClusterAndNoCallers =
      noClasses()
          .that()
          .resideInAnyPackage("dev.bollard.auth..", "dev.bollard.acme..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "io.netty..", "io.fabric8..", "dev.bollard.proxy..", "dev.bollard.controller..");

  @ArchTest
  static final ArchRule proxyCoreKnowsNoClusterNoAcmeAndNoController =
      noClasses()
          .that()
          .resideInAPackage("dev.bollard.proxy..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("io.fabric8..", "dev.bollard.acme..", "dev.bollard.controller..");

  // One slice per package of a module (dev.bollard.proxy.handler, dev.bollard.controller.cli),
  // sub-packages included: a cycle between two packages of one module fails. Matching on the
  // module alone would only find cycles between modules, which Maven already refuses. auth and
  // acme are one package each, so they cannot have one yet.
  @ArchTest
  static final ArchRule proxyCorePackagesAreFreeOfCycles =
      slices().matching("dev.bollard.proxy.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule controllerPackagesAreFreeOfCycles =
      slices().matching("dev.bollard.controller.(*)..").should().beFreeOfCycles();

  /**
   * Leaves out test jars ({@code *-tests.jar}): outside the reactor, the acme and proxy-core test
   * jars come from the local repository, where {@link ImportOption.DoNotIncludeTests} does not
   * recognise them.
   */
  static final class NoTestJars implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("-tests.jar");
    }
  }
}
