package io.durable.examples.checkout;

import io.durable.Durable;
import io.durable.StepInfo;
import io.durable.WorkflowNotFoundException;
import io.durable.examples.DatabaseSettings;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One demo process's durable instance, with the shop and the simulated payment provider
 * registered: everything the modes of {@link CheckoutDemo} share.
 */
final class DemoSession implements AutoCloseable {
    /** The schema holding the checkout's durable tables (the shop's own tables are in {@code shop}). */
    static final String DURABLE_SCHEMA = "shop_durable";
    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(60);

    private final Durable durable;
    private final Checkout checkout;
    private final ShopDatabase shop;
    private final SimulatedPaymentProvider provider;
    private final StepLog stepLog;
    private final PrintStream out;
    private final List<String> leftovers;
    private final Instant startedAt = Instant.now();

    /**
     * Builds and starts durable; starting resumes the unfinished checkouts of this executor.
     *
     * @param settings          the database
     * @param out               where to tell the user what happens
     * @param afterOrderCreated the hook between order and payment (the crash mode dies there)
     * @param payments          how the simulated payment provider behaves
     * @param paymentTimeout    how long a checkout waits for the payment webhook
     */
    DemoSession(DatabaseSettings settings, PrintStream out, CheckoutWorkflow.AfterOrderCreated afterOrderCreated,
                SimulatedPaymentProvider.Behaviour payments, Duration paymentTimeout) {
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
                .schema(DURABLE_SCHEMA)
                // The same ID in every run: a new process recovers what an earlier one left behind.
                .executorId(CheckoutDemo.EXECUTOR_ID)
                .build();
        this.provider = new SimulatedPaymentProvider(shop, payments, this::onPaymentWebhook, out);
        try {
            this.stepLog = new StepLog(durable, out);
            Shop steps = durable.register(Shop.class, new JdbcShop(shop, provider, durable, stepLog));
            this.checkout = durable.register(Checkout.class,
                    new CheckoutWorkflow(durable, steps, afterOrderCreated, paymentTimeout));
            durable.start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The shop's payment webhook endpoint: hands the provider's event to the waiting checkout. */
    private void onPaymentWebhook(PaymentWebhook webhook) {
        PaymentResult result = webhook.result();
        out.println("  [webhook " + webhook.eventId() + "] charge " + result.chargeId() + " "
                + (result.paid() ? "paid" : "declined") + " -> durable.send(\"" + webhook.checkoutId() + "\", \""
                + CheckoutWorkflow.PAYMENT_TOPIC + "\", result, \"" + webhook.eventId() + "\")");
        // The event ID is the idempotency key: a redelivered webhook is dropped, not received twice.
        durable.send(webhook.checkoutId(), CheckoutWorkflow.PAYMENT_TOPIC, result, webhook.eventId());
    }

    /** Runs a new checkout to its end and shows the receipt and the journal. */
    Receipt runCheckout(String checkoutId, Cart cart, String mode) {
        out.println("Checkout " + checkoutId + ": " + cart.customer() + " buys " + cart.quantity() + " x " + cart.sku());
        shop.rememberRun(checkoutId, mode);
        try {
            Receipt receipt = durable.runWorkflow(checkoutId, () -> checkout.checkout(cart));
            out.println("Receipt: " + receipt.describe());
            return receipt;
        } catch (PaymentFailedException e) {
            out.println("The checkout failed with " + e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
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
            boolean ranHere = ranHere(checkoutId, step);
            replayed += ranHere ? 0 : 1;
            out.printf("  %d. %-20s %-10s %s%n", step.position(), step.name(), step.status(),
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

    /**
     * Steps that ran here are known to the step log. A message received with {@code recv} is no
     * step implementation: it was received here if it was recorded after this session began (the
     * demo runs on one machine, so one clock).
     */
    private boolean ranHere(String checkoutId, StepInfo step) {
        return stepLog.ranHere(checkoutId, step)
                || step.name().startsWith("durable.") && !step.completedAt().isBefore(startedAt);
    }

    /** @return the simulated payment provider */
    SimulatedPaymentProvider provider() {
        return provider;
    }

    /** @return the started durable instance */
    Durable durable() {
        return durable;
    }

    /** Stops the provider's webhook deliveries, then durable; unfinished checkouts stay PENDING. */
    @Override
    public void close() {
        if (provider != null) {
            provider.close();
        }
        durable.close();
    }
}
