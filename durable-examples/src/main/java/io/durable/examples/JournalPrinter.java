package io.durable.examples;

import io.durable.Durable;
import io.durable.StepInfo;

import java.io.PrintStream;

/**
 * Prints a workflow's journal ({@code durable.steps(id)}) as the examples show it: one line per
 * recorded position with the step name, its status and what it returned or threw. Messages
 * received with {@code recv} and events published with {@code setEvent} appear as entries named
 * {@code durable.recv:<topic>} and {@code durable.setEvent:<key>}.
 *
 * <pre>{@code
 * new JournalPrinter(System.out).print(durable, "access-3f2a");
 * }</pre>
 */
public final class JournalPrinter {
    private static final int MAX_DETAIL = 90;

    private final PrintStream out;

    /**
     * @param out where to print
     */
    public JournalPrinter(PrintStream out) {
        this.out = out;
    }

    /**
     * @param durable    a started instance
     * @param workflowId the workflow whose journal to print
     */
    public void print(Durable durable, String workflowId) {
        out.println("Journal of " + workflowId + " (durable.steps):");
        for (StepInfo step : durable.steps(workflowId)) {
            String detail = step.error().map(e -> "threw " + simpleName(e.className()) + ": " + e.message())
                    .orElseGet(() -> step.output() == null ? "" : "-> " + step.output());
            out.printf("  %2d. %-38s %-9s %s%n", step.position(), step.name(), step.status(), shorten(detail));
        }
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static String shorten(String text) {
        return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL - 3) + "...";
    }
}
