package io.durable.internal.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * Where a page of the workflow listing ended: the {@code (created_at, id)} of its last row. Listings
 * are ordered by {@code created_at DESC, id DESC}, so the next page holds the rows below this key.
 * Encoded as URL-safe Base64 of {@code v1:<epochSecond>:<nano>:<id>}, opaque to callers.
 *
 * @param createdAt the last row's creation time
 * @param id        the last row's workflow ID
 */
public record PageCursor(Instant createdAt, String id) {
    private static final String VERSION = "v1";

    public PageCursor {
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(id, "id");
    }

    /** @return the opaque string handed to callers */
    public String encode() {
        String plain = VERSION + ":" + createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param cursor a string {@link #encode()} produced
     * @return the decoded cursor
     * @throws IllegalArgumentException naming the cursor when it was not produced by {@link #encode()}
     */
    public static PageCursor decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            throw malformed(cursor, "it is empty");
        }
        String plain;
        try {
            plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw malformed(cursor, "it is not URL-safe Base64");
        }
        String[] parts = plain.split(":", 4);
        if (parts.length != 4 || !VERSION.equals(parts[0]) || parts[3].isEmpty()) {
            throw malformed(cursor, "it does not hold a " + VERSION + " position");
        }
        try {
            return new PageCursor(Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2])), parts[3]);
        } catch (RuntimeException e) {
            throw malformed(cursor, "its time is invalid");
        }
    }

    private static IllegalArgumentException malformed(String cursor, String why) {
        return new IllegalArgumentException("malformed workflow listing cursor '" + cursor + "': " + why
                + "; pass the nextCursor of a WorkflowPage unchanged");
    }
}
