/**
 * Shapes of value that several packages of the data plane share: {@link
 * dev.bollard.proxy.value.WrittenEntries}, the equality and text of a rule set that is what was
 * written ({@code clientip.CidrSet}, {@code config.MapPatterns}).
 *
 * <p>A leaf package: it depends on no other package of the proxy, so {@code clientip} and {@code
 * config} can both use it without depending on each other. Values only, never request logic.
 */
@NullMarked
package dev.bollard.proxy.value;

import org.jspecify.annotations.NullMarked;
