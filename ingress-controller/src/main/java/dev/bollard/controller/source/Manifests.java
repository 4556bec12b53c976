package dev.bollard.controller.source;

import dev.bollard.controller.translate.Problem;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * What one load of a manifest directory found.
 *
 * @param resources the Kubernetes objects of every document that parsed, in file order
 * @param problems files and documents that could not be read, each with file and position
 * @param files how many YAML files were read
 */
public record Manifests(List<HasMetadata> resources, List<Problem> problems, int files) {

  public Manifests {
    resources = List.copyOf(resources);
    problems = List.copyOf(problems);
  }
}
