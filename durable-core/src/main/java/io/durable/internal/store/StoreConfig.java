package io.durable.internal.store;

import javax.sql.DataSource;
import java.time.Duration;

/**
 * What a store needs to connect. Exactly one of {@code dataSource} and {@code jdbcUrl} is set.
 *
 * @param dataSource           the application's DataSource, used as it is (not closed by durable)
 * @param jdbcUrl              a JDBC URL for which the store creates its own pool
 * @param user                 user for {@code jdbcUrl}
 * @param password             password for {@code jdbcUrl}; never logged
 * @param schema               the schema holding durable's tables
 * @param poolSize             connections in the store's own pool
 * @param connectTimeout       how long start-up waits for a connection
 * @param databaseRetryTimeout how long transient failures are retried before giving up
 * @param checkpointWriters    how many batches of checkpoints may be written at once
 * @param checkpointBatchSize  most checkpoints written in one batch
 */
public record StoreConfig(
        DataSource dataSource,
        String jdbcUrl,
        String user,
        String password,
        String schema,
        int poolSize,
        Duration connectTimeout,
        Duration databaseRetryTimeout,
        int checkpointWriters,
        int checkpointBatchSize) {

    @Override
    public String toString() {
        return "StoreConfig[" + (jdbcUrl != null ? "jdbcUrl=" + jdbcUrl + ", user=" + user : "dataSource=" + dataSource)
                + ", schema=" + schema + ", poolSize=" + poolSize + "]";
    }
}
