/**
 * {@code bollard migrate}'s report: what happens to each Ingress written for ingress-nginx, and to
 * each key of ingress-nginx's ConfigMap, under Bollard ({@link
 * dev.bollard.controller.migrate.MigrationAnalysis} builds a {@link
 * dev.bollard.controller.migrate.MigrationReport} from the ingress-nginx table and the very
 * translation {@code run} would do; {@link dev.bollard.controller.migrate.HumanReport} and {@link
 * dev.bollard.controller.migrate.JsonReport} write it).
 *
 * <p>Reads nothing itself: the command hands it the resources it read from a directory or the
 * cluster.
 */
@NullMarked
package dev.bollard.controller.migrate;

import org.jspecify.annotations.NullMarked;
