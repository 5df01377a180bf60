package io.durable.internal.jdbc;

import io.durable.ConfigurationException;
import io.durable.DurableException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.util.Map;

/**
 * Brings durable's schema up to date with Flyway. The history table lives in durable's own schema
 * ({@value #HISTORY_TABLE}), so it never meets the application's own Flyway history.
 */
final class Migrations {
    static final String HISTORY_TABLE = "durable_schema_history";
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    static void migrate(DataSource dataSource, String schema, String dialectFolder) {
        migrate(flyway(dataSource, schema, dialectFolder), schema);
    }

    /** Brings the tables of a SQLite file up to date; their names start with {@code schema + "_"}. */
    static void migrateSqlite(DataSource dataSource, String schema) {
        migrate(sqliteFlyway(dataSource, schema), schema);
    }

    /** {@link #requireCurrent} for a SQLite file. */
    static void requireCurrentSqlite(DataSource dataSource, String schema, String where) {
        requireCurrent(sqliteFlyway(dataSource, schema), schema, where);
    }

    private static void migrate(Flyway flyway, String schema) {
        try {
            MigrateResult result = flyway.migrate();
            if (result.migrationsExecuted > 0) {
                log.info("durable schema '{}' migrated to version {} ({} migration(s))", schema, result.targetSchemaVersion,
                        result.migrationsExecuted);
            }
        } catch (RuntimeException e) {
            String hint = String.valueOf(e.getMessage()).contains("non-empty schema")
                    ? ". durable needs a schema of its own (default 'durable'); choose one with Builder.schema(...)" : "";
            throw new DurableException("could not migrate durable's schema '" + schema + "': " + e.getMessage() + hint, e);
        }
    }

    /**
     * Checks, changing nothing, that durable's schema exists and holds every migration this library
     * ships (a newer one applied by a newer library is accepted).
     *
     * @param where the database, for messages
     * @throws ConfigurationException when the tables are missing or older than this library
     */
    static void requireCurrent(DataSource dataSource, String schema, String dialectFolder, String where) {
        requireCurrent(flyway(dataSource, schema, dialectFolder), schema, where);
    }

    private static void requireCurrent(Flyway flyway, String schema, String where) {
        MigrationInfoService info;
        try {
            info = flyway.info();
        } catch (RuntimeException e) {
            throw new DurableException("could not read durable's schema history in schema '" + schema + "' on " + where
                    + ": " + e.getMessage(), e);
        }
        MigrationInfo current = info.current();
        if (current == null) {
            throw new ConfigurationException("durable's tables are missing: schema '" + schema + "' on " + where
                    + " holds no durable schema. A DurableClient does not create them: start the application's "
                    + "Durable instance on this database once (Durable.start() creates and migrates the schema), or "
                    + "point the client at the schema that instance uses with schema(...)");
        }
        MigrationInfo[] pending = info.pending();
        if (pending.length > 0) {
            throw new ConfigurationException("durable's schema '" + schema + "' on " + where + " is at version "
                    + current.getVersion() + " but this library needs version " + pending[pending.length - 1].getVersion()
                    + ". A DurableClient does not migrate it: start the application's Durable instance with this "
                    + "library version first (Durable.start() migrates the schema)");
        }
    }

    private static Flyway flyway(DataSource dataSource, String schema, String dialectFolder) {
        return Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .createSchemas(true)
                .table(HISTORY_TABLE)
                .locations("classpath:io/durable/jdbc/migration/" + dialectFolder)
                .placeholders(Map.of("schema", schema))
                .baselineOnMigrate(false)
                .cleanDisabled(true)
                .load();
    }

    private static Flyway sqliteFlyway(DataSource dataSource, String schema) {
        return Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(dataSource)
                .table(schema + "_" + HISTORY_TABLE)
                .locations("classpath:io/durable/jdbc/migration/sqlite")
                .placeholders(Map.of("prefix", schema + "_"))
                // The file may hold the application's own tables: history starts below V1 then.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .cleanDisabled(true)
                .load();
    }
}
