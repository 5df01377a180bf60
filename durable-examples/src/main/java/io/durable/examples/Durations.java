package io.durable.examples;

import java.time.Duration;

/**
 * Durations in words for the examples' messages: {@code 7 days}, {@code 1 hour}, {@code 300 ms}.
 *
 * <pre>{@code
 * Durations.words(Duration.ofDays(7));  // "7 days"
 * }</pre>
 */
public final class Durations {
    private Durations() {
    }

    /**
     * @param duration a duration, zero or positive
     * @return its largest whole unit that divides it, in words
     */
    public static String words(Duration duration) {
        long millis = duration.toMillis();
        if (millis == 0) {
            return "0 ms";
        }
        long[] sizes = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
        String[] units = {"day", "hour", "minute", "second"};
        for (int i = 0; i < sizes.length; i++) {
            if (millis % sizes[i] == 0) {
                long n = millis / sizes[i];
                return n + " " + units[i] + (n == 1 ? "" : "s");
            }
        }
        return millis + " ms";
    }
}
