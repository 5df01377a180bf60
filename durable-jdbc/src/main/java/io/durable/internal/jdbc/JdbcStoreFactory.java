package io.durable.internal.jdbc;

import io.durable.internal.store.Store;
import io.durable.internal.store.StoreConfig;
import io.durable.internal.store.StoreFactory;

/** Provides the relational store to {@code Durable.builder()} through {@link java.util.ServiceLoader}. */
public final class JdbcStoreFactory implements StoreFactory {
    /** Used by the service loader. */
    public JdbcStoreFactory() {
    }

    @Override
    public boolean supports(StoreConfig config) {
        return config.dataSource() != null || (config.jdbcUrl() != null && config.jdbcUrl().startsWith("jdbc:"));
    }

    @Override
    public Store create(StoreConfig config) {
        return new JdbcStore(config);
    }
}
