package io.durable.examples.agent;

import io.durable.examples.DatabaseSettings;
import io.durable.examples.ExampleDatabase;

/**
 * The agent example's own table, in schema {@code agent} of the database durable uses (durable
 * keeps this example's journal in schema {@value AgentApp#DURABLE_SCHEMA}). Remove both with
 * {@code DROP SCHEMA agent CASCADE; DROP SCHEMA agent_durable CASCADE;}.
 *
 * <pre>{@code
 * AgentDatabase db = new AgentDatabase(DatabaseSettings.fromEnvironment());
 * db.createSchema();
 * long done = db.executedActions("agent-7");
 * }</pre>
 */
public final class AgentDatabase extends ExampleDatabase {
    private static final String[] SCHEMA = {
        "CREATE SCHEMA IF NOT EXISTS agent",
        // What the agent's tools really did: one row per executed action.
        "CREATE TABLE IF NOT EXISTS agent.executed_actions (idempotency_key text PRIMARY KEY, run_id text NOT NULL,"
                + " tool text NOT NULL, argument text NOT NULL, outcome text NOT NULL,"
                + " executed_at timestamptz NOT NULL DEFAULT now())",
    };

    /**
     * @param settings where the table lives
     */
    public AgentDatabase(DatabaseSettings settings) {
        super(settings);
    }

    /** Creates the schema and table if they do not exist yet. */
    public void createSchema() {
        execute(SCHEMA);
    }

    /**
     * @param runId an agent run
     * @return how many actions it executed
     */
    public long executedActions(String runId) {
        return inTransaction(c -> queryLong(c, "SELECT count(*) FROM agent.executed_actions WHERE run_id = ?", runId));
    }
}
