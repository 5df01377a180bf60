package io.durable.internal.store;

import java.util.Optional;

/**
 * Turns an ID prefix into a range {@code [prefix, upperBound)} that a btree index on a column with
 * byte-order ("C") collation can scan: in UTF-8 byte order, which equals code point order, the
 * strings starting with the prefix are exactly those in that range.
 */
public final class IdPrefix {
    private static final int LAST_CODE_POINT = Character.MAX_CODE_POINT;

    private IdPrefix() {
    }

    /**
     * @param prefix a non-empty prefix
     * @return the smallest string greater than every string starting with {@code prefix}, or empty when
     *         there is none (a prefix made only of U+10FFFF)
     */
    public static Optional<String> upperBound(String prefix) {
        int[] codePoints = prefix.codePoints().toArray();
        for (int i = codePoints.length - 1; i >= 0; i--) {
            if (codePoints[i] < LAST_CODE_POINT) {
                int next = codePoints[i] + 1;
                if (next >= Character.MIN_SURROGATE && next <= Character.MAX_SURROGATE) {
                    next = Character.MAX_SURROGATE + 1; // surrogates are no code points of their own
                }
                codePoints[i] = next;
                return Optional.of(new String(codePoints, 0, i + 1));
            }
        }
        return Optional.empty();
    }

    /**
     * @param prefix the prefix
     * @return a {@code LIKE} pattern matching strings that start with it, with {@code \} as escape character
     */
    public static String likePattern(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
