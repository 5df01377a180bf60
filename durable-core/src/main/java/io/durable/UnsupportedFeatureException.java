package io.durable;

/**
 * A feature the configured store does not provide, such as queues on the embedded SQLite store.
 * Nothing was recorded by the call that threw it. The message names the feature and the store that
 * provides it.
 *
 * <pre>{@code
 * try {
 *     client.enqueue(...);
 * } catch (UnsupportedFeatureException e) {
 *     // queues need PostgreSQL: configure jdbcUrl(...) or DURABLE_DATABASE_URL
 * }
 * }</pre>
 */
public class UnsupportedFeatureException extends DurableException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the feature, why it is unavailable, and which store provides it
     */
    public UnsupportedFeatureException(String message) {
        super(message);
    }
}
