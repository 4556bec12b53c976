/**
 * The ingress-nginx compatibility catalogue: every annotation and ConfigMap key of ingress-nginx
 * with what Bollard does with it ({@link dev.bollard.controller.compat.IngressNginx}), and its
 * rendering as {@code docs/ingress-nginx.md} ({@link
 * dev.bollard.controller.compat.CatalogueDocument}).
 *
 * <p>Pure data: nothing here reads resources or translates. The translator reports the
 * annotations this table does not honour; {@code bollard migrate} explains every annotation with
 * it. Tests keep the table honest against the translator and the settings catalog.
 */
@NullMarked
package dev.bollard.controller.compat;

import org.jspecify.annotations.NullMarked;
