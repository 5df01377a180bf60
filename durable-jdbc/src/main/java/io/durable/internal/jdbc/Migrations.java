package io.durable.internal.jdbc;

import io.durable.DurableException;
import org.flywaydb.core.Flyway;
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
        Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
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
}
