/**
 * The status page on the admin listener ({@code GET /}): one HTML page with its script and style
 * inline (no external assets, so it works in an air-gapped cluster), and the JSON document it
 * draws from ({@code GET /status/page}), refreshed every few seconds.
 *
 * <p>{@link dev.bollard.controller.statuspage.PageData} assembles the document from what the
 * process already knows: the route table in force, the last rebuild ({@link
 * dev.bollard.controller.statuspage.LastRebuild}), the controller status (with its certificates,
 * the same list as {@code /status}, plus the page's warnings) and the request counters sampled by
 * {@link dev.bollard.controller.statuspage.TrafficRates}. No key material and no htpasswd content
 * ever reaches it: only names, hosts, dates and counts.
 */
@NullMarked
package dev.bollard.controller.statuspage;

import org.jspecify.annotations.NullMarked;
