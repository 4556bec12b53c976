package dev.bollard.controller.translate;

import dev.bollard.proxy.config.RoutingSnapshot;
import java.util.List;

/** Placeholder: being written. A snapshot plus the problems met while building it. */
public record TranslationResult(RoutingSnapshot snapshot, List<Problem> problems) {}
