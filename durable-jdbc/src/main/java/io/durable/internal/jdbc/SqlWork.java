package io.durable.internal.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection; may be run again after a transient failure, so it must be idempotent. */
@FunctionalInterface
interface SqlWork<T> {
    T run(Connection connection) throws SQLException;
}
