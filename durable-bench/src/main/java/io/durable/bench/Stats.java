package io.durable.bench;

import java.util.Arrays;
import java.util.Locale;

/** Percentiles of recorded latencies and number formatting for result lines. */
final class Stats {
    private Stats() {
    }

    /**
     * Nearest-rank percentile: the smallest recorded value with at least {@code p}% of the values at or
     * below it (p50 of 1000 values is the 500th smallest).
     *
     * @param nanos latencies in nanoseconds (not modified)
     * @param p     0 &lt; p &le; 100
     * @return the percentile in milliseconds
     */
    static double percentileMillis(long[] nanos, double p) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        int index = Math.min(sorted.length - 1, Math.max(0, rank - 1));
        return sorted[index] / 1e6;
    }

    static double sumSeconds(long[] nanos) {
        long sum = 0;
        for (long n : nanos) {
            sum += n;
        }
        return sum / 1e9;
    }

    static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
