package io.durable.examples.agent;

import java.io.PrintStream;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for an LLM: it reads the goal and proposes one tool call, deterministically, so the
 * example needs no API key. A real implementation calls the model's API here; the step around it
 * records whatever came back.
 *
 * <pre>{@code
 * PlannedAction action = new SimulatedModel(System.out).plan("Refund order 1042: arrived broken");
 * // issue_refund(order 1042)
 * }</pre>
 */
public final class SimulatedModel implements Planner {
    private static final Pattern ORDER = Pattern.compile("order\\s+#?(\\d+)", Pattern.CASE_INSENSITIVE);

    private final PrintStream out;

    /**
     * @param out where each call is reported
     */
    public SimulatedModel(PrintStream out) {
        this.out = out;
    }

    @Override
    public PlannedAction plan(String goal) {
        Matcher order = ORDER.matcher(goal);
        String orderId = order.find() ? order.group(1) : "unknown";
        String lower = goal.toLowerCase(Locale.ROOT);
        PlannedAction action;
        if (lower.contains("refund")) {
            action = new PlannedAction("issue_refund", "order " + orderId,
                    "refund order " + orderId + " in full to the original card");
        } else if (lower.contains("cancel")) {
            action = new PlannedAction("cancel_order", "order " + orderId, "cancel order " + orderId
                    + " before it ships");
        } else {
            action = new PlannedAction("send_email", "customer", "reply to the customer: \"" + goal + "\"");
        }
        out.println("  [model] \"" + goal + "\" -> " + action.tool() + "(" + action.argument() + ")");
        return action;
    }
}
