/**
 * The access log: one line per request, written off the event loops.
 *
 * <p>{@link dev.bollard.proxy.accesslog.RequestFacts} collects what a request did while it runs
 * (on its event loop; nothing is formatted there); when it completes, {@link
 * dev.bollard.proxy.accesslog.AccessLog} queues it and a writer thread formats it (JSON or an
 * nginx-style text template, {@link dev.bollard.proxy.accesslog.LineEncoder}) straight into a
 * reused byte buffer and writes batches to stdout or a file that is reopened when rotated. A full
 * queue drops lines and counts them; it never blocks an event loop, nor wakes the writer.
 *
 * <p>The policy values ({@link dev.bollard.proxy.accesslog.LogSettings}, {@link
 * dev.bollard.proxy.accesslog.CaptureRules}, {@link dev.bollard.proxy.accesslog.QueryRedaction})
 * travel in the routing snapshot; this package does not depend on the snapshot records.
 */
@NullMarked
package dev.bollard.proxy.accesslog;

import org.jspecify.annotations.NullMarked;
