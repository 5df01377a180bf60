package io.durable.internal.jdbc;

import io.durable.ConfigurationException;

/** The seam for database differences. PostgreSQL is the one supported today. */
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
        throw new ConfigurationException("durable does not support the database '" + productName
                + "' yet; use PostgreSQL");
    }
}
