package io.durable.internal.jdbc;

import io.durable.ConfigurationException;

/** The seam for database differences. PostgreSQL is the one reached through a DataSource or pool; SQLite has {@link SqliteStore}. */
enum Dialect {
    POSTGRESQL("postgresql");

    private final String migrationFolder;

    Dialect(String migrationFolder) {
        this.migrationFolder = migrationFolder;
    }

    String migrationFolder() {
        return migrationFolder;
    }

    static Dialect of(String productName) {
        if ("PostgreSQL".equalsIgnoreCase(productName)) {
            return POSTGRESQL;
        }
        if ("SQLite".equalsIgnoreCase(productName)) {
            throw new ConfigurationException("durable opens a SQLite file itself, so it needs the file rather than a "
                    + "DataSource: use sqlite(Path.of(\"durable.db\")) or jdbcUrl(\"jdbc:sqlite:/path/durable.db\", null, null)");
        }
        throw new ConfigurationException("durable does not support the database '" + productName
                + "' yet; use PostgreSQL");
    }
}
