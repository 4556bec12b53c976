package dev.bollard.proxy.config;

import dev.bollard.proxy.clientip.CidrSet;
import java.util.Objects;

/**
 * The global client rules (ingress-nginx's ConfigMap keys), checked against the real client address
 * and the {@code User-Agent} and {@code Referer}; a refused request gets 403.
 *
 * @param allow {@code whitelist-source-range}: the only clients of every route whose Ingress has no
 *     allow-list annotation of its own (empty: every client)
 * @param deny {@code denylist-source-range}: clients refused by every route whose Ingress has no
 *     deny-list annotation of its own
 * @param block {@code block-cidrs}: clients refused everywhere, whatever the annotations say
 * @param blockUserAgents {@code block-user-agents}: agents refused everywhere
 * @param blockReferers {@code block-referers}: referers refused everywhere
 */
public record AccessRules(CidrSet allow, CidrSet deny, CidrSet block, MapPatterns blockUserAgents,
    MapPatterns blockReferers) {

  /** No rules: every client passes. */
  public static final AccessRules NONE =
      new AccessRules(CidrSet.EMPTY, CidrSet.EMPTY, CidrSet.EMPTY, MapPatterns.NONE,
          MapPatterns.NONE);

  public AccessRules {
    Objects.requireNonNull(allow, "allow");
    Objects.requireNonNull(deny, "deny");
    Objects.requireNonNull(block, "block");
    Objects.requireNonNull(blockUserAgents, "blockUserAgents");
    Objects.requireNonNull(blockReferers, "blockReferers");
  }
}
