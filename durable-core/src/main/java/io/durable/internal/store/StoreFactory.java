package io.durable.internal.store;

/**
 * Creates a {@link Store}; found with {@link java.util.ServiceLoader}. {@code durable-jdbc}
 * provides the relational one.
 */
public interface StoreFactory {
    /**
     * @param config connection settings
     * @return true when this factory can serve the configuration
     */
    boolean supports(StoreConfig config);

    /**
     * @param config connection settings
     * @return a store, not yet started
     */
    Store create(StoreConfig config);
}
