package io.durable.examples.checkout;

import io.durable.Durable;
import io.durable.StepInfo;
import io.durable.WorkflowNotFoundException;
import io.durable.examples.DatabaseSettings;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One demo process's durable instance, with the shop registered: everything the three modes of
 * {@link CheckoutDemo} share.
 */
final class DemoSession implements AutoCloseable {
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(60);

    private final Durable durable;
    private final Checkout checkout;
    private final ShopDatabase shop;
    private final StepLog stepLog;
    private final PrintStream out;
    private final List<String> leftovers;

    /** Builds and starts durable; starting resumes the unfinished checkouts of this executor. */
    DemoSession(DatabaseSettings settings, PrintStream out, CheckoutWorkflow.AfterOrderCreated afterOrderCreated) {
        this.out = out;
        this.shop = new ShopDatabase(settings);
        // Recovery runs steps as soon as durable starts, so their tables must exist first.
        shop.createSchema();
        // Read before start(): recovery begins the moment durable starts.
        this.leftovers = shop.unreportedRuns();
        for (String id : leftovers) {
            out.println("Checkout " + id + " was left unfinished by an earlier process; durable.start() resumes it.");
        }
        this.durable = Durable.builder()
                .jdbcUrl(settings.url(), settings.user(), settings.password())
                // The same ID in every run: a new process recovers what an earlier one left behind.
                .executorId(CheckoutDemo.EXECUTOR_ID)
                .build();
        try {
            this.stepLog = new StepLog(durable, out);
            Shop steps = durable.register(Shop.class, new JdbcShop(shop, durable, stepLog));
            this.checkout = durable.register(Checkout.class, new CheckoutWorkflow(durable, steps, afterOrderCreated));
            durable.start();
        } catch (RuntimeException e) {
            durable.close();
            throw e;
        }
    }

    /** Runs a new checkout to its end and shows the receipt and the journal. */
    Receipt runCheckout(String checkoutId, Cart cart, String mode) {
        out.println("Checkout " + checkoutId + ": " + cart.customer() + " buys " + cart.quantity() + " x " + cart.sku());
        shop.rememberRun(checkoutId, mode);
        try {
            Receipt receipt = durable.runWorkflow(checkoutId, () -> checkout.checkout(cart));
            out.println("Receipt: " + receipt.describe());
            return receipt;
        } finally {
            markIfFinished(checkoutId);
            printJournal(checkoutId);
        }
    }

    /**
     * Waits for the checkouts an earlier process left unfinished (durable.start() resumed them)
     * and shows how each ended and which of its steps came from the journal.
     *
     * @return the receipts of those that succeeded
     */
    List<Receipt> finishLeftovers() {
        List<Receipt> receipts = new ArrayList<>();
        for (String id : leftovers) {
            try {
                Receipt receipt = durable.<Receipt>retrieve(id).result(RESULT_TIMEOUT);
                out.println("Receipt of " + id + ": " + receipt.describe());
                receipts.add(receipt);
            } catch (WorkflowNotFoundException e) {
                out.println("Checkout " + id + " never started (its process died before), so there is nothing to resume.");
                shop.markReported(id);
                continue;
            } catch (RuntimeException e) {
                out.println("Checkout " + id + " did not succeed: " + e.getMessage());
            } finally {
                markIfFinished(id);
            }
            printJournal(id);
        }
        return receipts;
    }

    /** @return whether an earlier process left checkouts for this one to finish */
    boolean hadLeftovers() {
        return !leftovers.isEmpty();
    }

    /** Prints the journal of a checkout, marking each step replayed or run for real here. */
    void printJournal(String checkoutId) {
        List<StepInfo> journal = durable.steps(checkoutId);
        out.println("Journal of " + checkoutId + " (durable.steps):");
        int replayed = 0;
        for (StepInfo step : journal) {
            boolean ranHere = stepLog.ranHere(checkoutId, step);
            replayed += ranHere ? 0 : 1;
            out.printf("  %d. %-18s %-10s %s%n", step.position(), step.name(), step.status(),
                    ranHere ? "ran for real in this process" : "replayed from journal");
        }
        out.println("  (" + replayed + " replayed from the journal, " + (journal.size() - replayed)
                + " ran for real in this process)");
    }

    private void markIfFinished(String checkoutId) {
        boolean finished = durable.workflow(checkoutId).map(w -> w.status().isTerminal()).orElse(false);
        if (finished) {
            shop.markReported(checkoutId);
        }
    }

    @Override
    public void close() {
        durable.close();
    }
}
