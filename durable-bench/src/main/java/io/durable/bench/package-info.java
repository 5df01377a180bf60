/**
 * Benchmarks of durable's hot path: {@code floor}, {@code seq}, {@code conc} and {@code recovery}
 * (see {@link io.durable.bench.Bench} and docs/performance.md).
 */
package io.durable.bench;
