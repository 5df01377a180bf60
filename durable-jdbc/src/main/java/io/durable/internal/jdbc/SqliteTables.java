package io.durable.internal.jdbc;

/**
 * The names of durable's tables in a SQLite file: SQLite has no schemas, so the configured schema
 * name and an underscore start each one ({@code durable_workflows}).
 *
 * @param prefix the schema name and an underscore
 */
record SqliteTables(String prefix) {
    static SqliteTables forSchema(String schema) {
        return new SqliteTables(schema + "_");
    }

    String workflows() {
        return prefix + "workflows";
    }

    String steps() {
        return prefix + "steps";
    }

    String messages() {
        return prefix + "messages";
    }

    String events() {
        return prefix + "events";
    }

    String executors() {
        return prefix + "executors";
    }
}
