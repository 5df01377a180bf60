/**
 * Benchmarks of durable's hot path: {@code floor}, {@code seq}, {@code conc}, {@code recovery}, {@code recv}
 * and {@code parked} (see {@link io.durable.bench.Bench} and docs/performance.md).
 */
package io.durable.bench;
