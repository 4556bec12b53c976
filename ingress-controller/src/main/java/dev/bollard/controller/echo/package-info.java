/**
 * The echo backend: a small upstream of the project's own that answers every request with what it
 * received, for the README demo and end-to-end tests.
 *
 * <p>It sets app-style {@code X-Log-…} response headers the way the Rails monolith does, so the
 * access log's header capture can be tried without the real application. Not a production
 * component.
 */
@NullMarked
package dev.bollard.controller.echo;

import org.jspecify.annotations.NullMarked;
