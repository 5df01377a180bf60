package io.durable.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.durable.Durable;
import io.durable.Step;
import io.durable.Workflow;
import io.durable.testing.FreshDatabase;
import io.durable.testing.PostgresOnly;
import io.durable.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The write path of DESIGN §3, counted statement by statement: start = 1, each new step = 1 (no
 * read), completion = 1; replay loads the journal with 1 query and replays recorded steps with none.
 */
@PostgresOnly // counts statements on a PostgreSQL DataSource
@ExtendWith(FreshDatabase.class)
class StatementBudgetTest {
    public interface Steps {
        String step(String previous, int index) throws InterruptedException;
    }

    public static final class StepsImpl implements Steps {
        volatile int holdAt = -1;

        @Step
        public String step(String previous, int index) throws InterruptedException {
            if (index == holdAt) {
                Hold.here();
            }
            return previous + index;
        }
    }

    public interface TenSteps {
        String run(String seed) throws InterruptedException;
    }

    public record TenStepsImpl(Steps steps) implements TenSteps {
        @Workflow
        public String run(String seed) throws InterruptedException {
            String value = seed;
            for (int i = 1; i <= 10; i++) {
                value = steps.step(value, i);
            }
            return value;
        }
    }

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        Hold.release();
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private DataSource pool(TestDatabase db, CountingDataSource counter) {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(db.url());
        pool.setUsername(db.user());
        pool.setPassword(db.password());
        pool.setMaximumPoolSize(4);
        resources.add(pool);
        return counter.wrap(pool);
    }

    private Durable durable(DataSource dataSource, String executorId, StepsImpl steps) {
        Durable durable = Durable.builder().dataSource(dataSource).executorId(executorId)
                .heartbeatInterval(Duration.ofHours(1)).leaseDuration(Duration.ofHours(2)).shutdownTimeout(Duration.ofMillis(300)).build();
        resources.add(0, durable);
        return durable;
    }

    @Test
    void aTenStepWorkflowCostsTwelveStatements(TestDatabase db) throws Exception {
        CountingDataSource counter = new CountingDataSource();
        StepsImpl steps = new StepsImpl();
        Durable durable = durable(pool(db, counter), "budget-1", steps);
        TenSteps flow = durable.register(TenSteps.class, new TenStepsImpl(durable.register(Steps.class, steps)));
        durable.start();
        durable.runWorkflow("warm-up", () -> flow.run("w"));

        counter.reset();
        assertEquals("s12345678910", durable.runWorkflow("budget", () -> flow.run("s")));
        List<String> statements = counter.statements();
        assertEquals(12, statements.size(), () -> "statements sent:\n" + String.join("\n", statements));
        assertEquals(1, counter.count("INSERT INTO durable.workflows"));
        assertEquals(10, counter.count("INSERT INTO durable.steps"));
        assertEquals(1, counter.count("UPDATE durable.workflows w SET status"));
    }

    @Test
    void replayReadsTheJournalOnceAndWritesOnlyNewSteps(TestDatabase db) throws Exception {
        StepsImpl first = new StepsImpl();
        first.holdAt = 6;
        Hold.block();
        CountingDataSource ignored = new CountingDataSource();
        Durable life1 = durable(pool(db, ignored), "budget-2", first);
        TenSteps flow = life1.register(TenSteps.class, new TenStepsImpl(life1.register(Steps.class, first)));
        life1.start();
        life1.startWorkflow("half-done", () -> flow.run("h"));
        Await.until("5 steps to be recorded", Duration.ofSeconds(30), () -> life1.steps("half-done").size() == 5);
        life1.close();
        Hold.release();

        CountingDataSource counter = new CountingDataSource();
        Durable life2 = durable(pool(db, counter), "budget-2", new StepsImpl());
        life2.register(TenSteps.class, new TenStepsImpl(life2.register(Steps.class, new StepsImpl())));
        life2.start();
        assertEquals("h12345678910", life2.<String>retrieve("half-done").result(Duration.ofSeconds(30)));
        List<String> statements = counter.statements();
        assertEquals(1, counter.count("FROM durable.steps WHERE workflow_id = ? ORDER BY position"),
                () -> String.join("\n", statements));
        assertEquals(5, counter.count("INSERT INTO durable.steps"), () -> String.join("\n", statements));
        assertEquals(0, counter.count("AND position = ?"), "no conflict lookups expected");
        assertEquals(1, counter.count("UPDATE durable.workflows w SET status"));
        assertEquals(1, counter.count("UPDATE durable.workflows SET epoch"));
    }
}
