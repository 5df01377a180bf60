package io.durable.jdbc;

import io.durable.ConfigurationException;
import io.durable.DatabaseUnavailableException;
import io.durable.Durable;
import io.durable.Step;
import io.durable.Workflow;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad configuration and an unreachable database give clear, typed errors that never leak the password. */
@ExtendWith(FreshDatabase.class)
class StartupAndConfigurationTest {
    @Test
    void unreachableDatabaseNamesTheUrlButNotThePassword() {
        Durable durable = Durable.builder()
                .jdbcUrl("jdbc:postgresql://127.0.0.1:1/shop?password=hunter2&ssl=false", "shop_user", "hunter2")
                .connectTimeout(Duration.ofMillis(500))
                .build();
        DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class, durable::start);
        assertTrue(e.getMessage().contains("jdbc:postgresql://127.0.0.1:1/shop"), e.getMessage());
        assertTrue(e.getMessage().contains("shop_user"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertThrows(IllegalStateException.class, durable::start, "a failed instance cannot be started again");
    }

    @Test
    @PostgresOnly // a SQLite file has no credentials
    void wrongCredentialsAreReportedAtStart(TestDatabase db) {
        Durable durable = Durable.builder()
                .jdbcUrl(db.url().replace(db.name(), "no_such_database_here"), db.user(), "secret-pw")
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        DatabaseUnavailableException e = assertThrows(DatabaseUnavailableException.class, durable::start);
        assertTrue(e.getMessage().contains("no_such_database_here"), e.getMessage());
        assertFalse(e.getMessage().contains("secret-pw"), e.getMessage());
    }

    @Test
    void invalidSettingsFailAtBuildNamingTheSetting(TestDatabase db) {
        String url = db.url();
        assertMessage("schema", () -> Durable.builder().jdbcUrl(url, "u", null).schema("Bad Schema!").build());
        assertMessage("maxConcurrentWorkflows", () -> Durable.builder().jdbcUrl(url, "u", null)
                .maxConcurrentWorkflows(0).build());
        assertMessage("poolSize must be at least 2", () -> Durable.builder().jdbcUrl(url, "u", null).poolSize(1).build());
        assertMessage("heartbeatInterval", () -> Durable.builder().jdbcUrl(url, "u", null)
                .heartbeatInterval(Duration.ZERO).build());
        assertMessage("leaseDuration (PT9S) must be at least twice heartbeatInterval (PT5S)", () -> Durable.builder()
                .jdbcUrl(url, "u", null).leaseDuration(Duration.ofSeconds(9)).build());
        assertMessage("leaseDuration", () -> Durable.builder().jdbcUrl(url, "u", null).leaseDuration(null).build());
        assertMessage("application", () -> Durable.builder().jdbcUrl(url, "u", null).application(" ").build());
        assertMessage("shutdownTimeout", () -> Durable.builder().jdbcUrl(url, "u", null)
                .shutdownTimeout(Duration.ofSeconds(-1)).build());
        assertMessage("maxPayloadBytes", () -> Durable.builder().jdbcUrl(url, "u", null).maxPayloadBytes(10).build());
        assertMessage("executorId", () -> Durable.builder().jdbcUrl(url, "u", null).executorId("x".repeat(200)).build());
        assertMessage("jdbc:", () -> Durable.builder().jdbcUrl("postgresql://localhost/x", "u", null).build());
        assertMessage("not both", () -> Durable.builder().jdbcUrl(url, "u", null).dataSource(db.dataSource()).build());
        assertMessage("checkpointWriters (2) must be below poolSize (2)", () -> Durable.builder().jdbcUrl(url, "u", null)
                .poolSize(2).checkpointWriters(2).build());
        assertMessage("checkpointBatchSize", () -> Durable.builder().jdbcUrl(url, "u", null).checkpointBatchSize(0).build());
        // left at its default, the writer count fits itself to the smallest pool instead of failing
        Durable.builder().jdbcUrl(url, "u", null).poolSize(2).build().close();
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable build) {
        ConfigurationException e = assertThrows(ConfigurationException.class, build);
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void callsBeforeStartAndAfterCloseSaySo(TestDatabase db) {
        Durable durable = Durables.builder(db, "lifecycle").build();
        IllegalStateException early = assertThrows(IllegalStateException.class, () -> durable.retrieve("x"));
        assertTrue(early.getMessage().contains("start()"), early.getMessage());
        durable.start();
        durable.close();
        durable.close();
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> durable.retrieve("x"));
        assertTrue(late.getMessage().contains("closed"), late.getMessage());
    }

    public interface Plain {
        String go();
    }

    public static final class BothAnnotations implements Plain {
        @Workflow
        @Step
        public String go() {
            return "";
        }
    }

    public static final class WorkflowImpl implements Plain {
        @Workflow(name = "shared-name")
        public String go() {
            return "";
        }
    }

    public interface Other {
        String go();
    }

    public static final class OtherImpl implements Other {
        @Workflow(name = "shared-name")
        public String go() {
            return "";
        }
    }

    public interface WithDefault {
        @Workflow
        default String go() {
            return "";
        }
    }

    @Test
    void registrationMistakesAreRejectedWithTheMethodNamed(TestDatabase db) {
        try (Durable durable = Durables.builder(db, "registration").build()) {
            ConfigurationException both = assertThrows(ConfigurationException.class,
                    () -> durable.register(Plain.class, new BothAnnotations()));
            assertTrue(both.getMessage().contains("Plain.go") && both.getMessage().contains("both"), both.getMessage());
            durable.register(Plain.class, new WorkflowImpl());
            ConfigurationException dup = assertThrows(ConfigurationException.class,
                    () -> durable.register(Other.class, new OtherImpl()));
            assertTrue(dup.getMessage().contains("'shared-name' is used twice"), dup.getMessage());
            ConfigurationException notInterface = assertThrows(ConfigurationException.class,
                    () -> durable.register(WorkflowImpl.class, new WorkflowImpl()));
            assertTrue(notInterface.getMessage().contains("needs an interface"), notInterface.getMessage());
            ConfigurationException onDefault = assertThrows(ConfigurationException.class,
                    () -> durable.register(WithDefault.class, new WithDefault() { }));
            assertTrue(onDefault.getMessage().contains("default or static"), onDefault.getMessage());
            assertEquals("registration", durable.executorId());
        }
    }
}
