/**
 * Header rules after nginx's headers-more ({@link dev.bollard.proxy.headers.HeaderRules}: set, add
 * or clear request and response headers) and the request id and start time sent upstream ({@link
 * dev.bollard.proxy.headers.RequestIds}). Values only; this package does not read the snapshot.
 */
@NullMarked
package dev.bollard.proxy.headers;

import org.jspecify.annotations.NullMarked;
