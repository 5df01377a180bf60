package io.durable.examples;

import io.durable.DatabaseUnavailableException;

import java.io.PrintStream;
import java.sql.SQLException;

/**
 * How the examples' {@code main} methods end when something goes wrong: readable lines instead of
 * a stack trace, and what to do when the database is the problem.
 *
 * <pre>{@code
 * try {
 *     demo.run();
 * } catch (RuntimeException e) {
 *     System.exit(DemoErrors.explain(e, System.err));
 * }
 * }</pre>
 */
public final class DemoErrors {
    private DemoErrors() {
    }

    /**
     * Prints what stopped the demo.
     *
     * @param e   what stopped it
     * @param err where to print
     * @return the exit code to end with (1)
     */
    public static int explain(RuntimeException e, PrintStream err) {
        err.println("The demo stopped: " + e.getMessage());
        if (isDatabaseProblem(e)) {
            err.println("Start PostgreSQL on localhost:5432 (user postgres), or set DURABLE_DATABASE_URL"
                    + " (and DURABLE_DATABASE_USER, DURABLE_DATABASE_PASSWORD) to a database you can use.");
        }
        return 1;
    }

    /**
     * @param e an exception
     * @return whether it, or one of its causes, says the database could not be used
     */
    public static boolean isDatabaseProblem(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DatabaseUnavailableException || t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }
}
