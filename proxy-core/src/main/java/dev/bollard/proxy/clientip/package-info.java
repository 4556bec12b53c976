/**
 * The real client address: PROXY protocol from trusted load balancers ({@link
 * dev.bollard.proxy.clientip.ProxyProtocolGate}) and {@code X-Forwarded-For} from trusted proxies
 * ({@link dev.bollard.proxy.clientip.RealIpPolicy}), both decided by {@link
 * dev.bollard.proxy.clientip.CidrSet}. Values only; this package does not read the snapshot.
 */
@NullMarked
package dev.bollard.proxy.clientip;

import org.jspecify.annotations.NullMarked;
