/**
 * JMH micro-benchmarks of what sits on Bollard's hot path or grows with the cluster: route lookup
 * and control-plane translation. Run them with {@code java -jar bench/target/benchmarks.jar}; the
 * side-by-side load harness against nginx and HAProxy is {@code bench/harness.sh}, not Java.
 */
@NullMarked
package dev.bollard.bench;

import org.jspecify.annotations.NullMarked;
