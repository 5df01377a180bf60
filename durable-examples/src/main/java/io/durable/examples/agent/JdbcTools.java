package io.durable.examples.agent;

import io.durable.Durable;

import java.io.PrintStream;

import static io.durable.examples.ExampleDatabase.queryStrings;
import static io.durable.examples.ExampleDatabase.update;

/**
 * {@link Tools} that records each executed action in {@code agent.executed_actions}, keyed by the
 * step's idempotency key: a repeated execution finds its row and reports the first outcome.
 */
final class JdbcTools implements Tools {
    private final AgentDatabase db;
    private final Durable durable;
    private final PrintStream out;

    JdbcTools(AgentDatabase db, Durable durable, PrintStream out) {
        this.db = db;
        this.durable = durable;
        this.out = out;
    }

    @Override
    public String execute(String runId, PlannedAction action) {
        String key = durable.idempotencyKey();
        String outcome = db.inTransaction(c -> {
            update(c, "INSERT INTO agent.executed_actions (idempotency_key, run_id, tool, argument, outcome)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING",
                    key, runId, action.tool(), action.argument(), action.tool() + "(" + action.argument()
                    + ") done, reference act-" + Integer.toHexString(key.hashCode()));
            return queryStrings(c, "SELECT outcome FROM agent.executed_actions WHERE idempotency_key = ?", key).get(0);
        });
        out.println("  [tool] " + outcome);
        return outcome;
    }
}
