package io.durable.internal.jdbc;

import io.durable.internal.store.ConnectionSettings;
import io.durable.internal.store.Store;
import io.durable.internal.store.StoreConfig;
import io.durable.internal.store.StoreFactory;

/** Provides the relational stores (PostgreSQL, and SQLite for {@code jdbc:sqlite:} URLs) to {@code Durable.builder()} through {@link java.util.ServiceLoader}. */
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
        if (config.dataSource() == null && config.jdbcUrl().startsWith(ConnectionSettings.SQLITE_URL_PREFIX)) {
            return new SqliteStore(config);
        }
        return new JdbcStore(config);
    }
}
