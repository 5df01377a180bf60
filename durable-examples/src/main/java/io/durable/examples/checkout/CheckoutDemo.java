package io.durable.examples.checkout;

import io.durable.examples.DatabaseSettings;
import io.durable.examples.DemoErrors;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The marketplace checkout demo: reserve inventory, create the order, request the payment from a
 * simulated provider, wait for the provider's webhook (a durable message), notify the warehouse,
 * each step checkpointed by durable into PostgreSQL.
 *
 * <pre>
 * mvn -q -B -pl durable-examples -am compile exec:java                          # one checkout
 * mvn -q -B -pl durable-examples -am compile exec:java -Dexec.args=crash        # dies midway (kill -9)
 * mvn -q -B -pl durable-examples -am compile exec:java -Dexec.args=recover      # resumes it
 * mvn -q -B -pl durable-examples -am compile exec:java -Dexec.args=decline      # payment declined: compensation
 * </pre>
 *
 * It uses {@code jdbc:postgresql://localhost:5432/postgres} as {@code postgres}, or
 * {@code DURABLE_DATABASE_URL}, {@code DURABLE_DATABASE_USER} and {@code DURABLE_DATABASE_PASSWORD}.
 * Every run starts durable with the same executor ID, so whatever an earlier run left unfinished
 * is resumed by the next one, with or without {@code recover}.
 */
public final class CheckoutDemo {
    /** The executor ID of every demo process, so that each one recovers the previous one's work. */
    public static final String EXECUTOR_ID = "checkout-demo";
    /** The command that runs the demo from the repository root (the README's demo command). */
    public static final String DEMO_COMMAND = "mvn -q -B -pl durable-examples -am compile exec:java";
    /** What the demo's customer buys. */
    public static final Cart CART = new Cart("ada@example.com", ShopDatabase.SKU, 1);
    /** Why the provider declines in the {@code decline} mode. */
    public static final String DECLINE_REASON = "card declined: insufficient funds";

    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private final DatabaseSettings settings;
    private final PrintStream out;
    private final SimulatedPaymentProvider.Behaviour payments;
    private final Duration paymentTimeout;

    /**
     * A demo whose payment provider pays every charge and confirms it with one webhook.
     *
     * @param settings the database for durable and the shop tables
     * @param out      where to tell the user what happens
     */
    public CheckoutDemo(DatabaseSettings settings, PrintStream out) {
        this(settings, out, SimulatedPaymentProvider.Behaviour.PAYS, CheckoutWorkflow.DEFAULT_PAYMENT_TIMEOUT);
    }

    /**
     * @param settings       the database for durable and the shop tables
     * @param out            where to tell the user what happens
     * @param payments       how the simulated payment provider behaves in {@link #checkout()}
     * @param paymentTimeout how long a checkout waits for the payment webhook
     */
    public CheckoutDemo(DatabaseSettings settings, PrintStream out, SimulatedPaymentProvider.Behaviour payments,
                        Duration paymentTimeout) {
        this.settings = settings;
        this.out = out;
        this.payments = payments;
        this.paymentTimeout = paymentTimeout;
    }

    /**
     * Runs the demo.
     *
     * @param args nothing for one checkout, {@code crash}, {@code recover} or {@code decline}
     */
    public static void main(String[] args) {
        String mode = args.length == 0 ? "checkout" : args[0];
        CheckoutDemo demo = new CheckoutDemo(DatabaseSettings.fromEnvironment(), System.out);
        try {
            switch (mode) {
                case "checkout" -> demo.checkout();
                case "crash" -> demo.crash(CheckoutDemo::killThisJvm);
                case "recover" -> demo.recover();
                case "decline" -> demo.decline();
                default -> {
                    System.err.println("Unknown mode '" + mode + "'. Run with no argument, 'crash', 'recover' or"
                            + " 'decline', e.g.");
                    System.err.println("  " + DEMO_COMMAND + " -Dexec.args=crash");
                    System.exit(2);
                }
            }
        } catch (RuntimeException e) {
            // A demo, not a library: readable lines instead of a stack trace.
            System.exit(DemoErrors.explain(e, System.err));
        }
    }

    /**
     * Finishes what an earlier run left behind, then runs one new checkout, printing each step.
     *
     * @return the new checkout's receipt
     * @throws PaymentFailedException if the provider declines or never confirms (then the order is cancelled)
     */
    public Receipt checkout() {
        out.println("Checkout demo: journal in schema " + DemoSession.DURABLE_SCHEMA + ", shop tables in schema shop,"
                + " on " + settings);
        try (DemoSession session = session(CheckoutWorkflow.AfterOrderCreated.NOTHING, payments)) {
            session.finishLeftovers();
            Receipt receipt = session.runCheckout(newCheckoutId(), CART, "checkout");
            out.println("Next, watch a crash and its recovery: " + DEMO_COMMAND + " -Dexec.args=crash");
            return receipt;
        }
    }

    /**
     * Runs one checkout whose payment the provider declines: the workflow cancels the order,
     * puts the stock back and fails with {@link PaymentFailedException}.
     *
     * @return that exception, as the caller of the checkout got it
     */
    public PaymentFailedException decline() {
        out.println("Decline demo: the payment provider declines (" + DECLINE_REASON + "); the checkout undoes its work.");
        try (DemoSession session = session(CheckoutWorkflow.AfterOrderCreated.NOTHING,
                SimulatedPaymentProvider.Behaviour.declines(DECLINE_REASON))) {
            session.finishLeftovers();
            session.runCheckout(newCheckoutId(), CART, "decline");
            throw new IllegalStateException("the provider was set to decline, yet the checkout succeeded");
        } catch (PaymentFailedException e) {
            return e;
        }
    }

    /**
     * Starts a checkout and, once its order is created and recorded, before the payment is
     * requested, calls {@code kill}, which in the real demo ends this JVM with SIGKILL.
     *
     * @param kill what ends the process; it is not expected to return
     */
    public void crash(Runnable kill) {
        String checkoutId = newCheckoutId();
        out.println("Crash demo: journal in schema " + DemoSession.DURABLE_SCHEMA + ", shop tables in schema shop,"
                + " on " + settings);
        out.println("This JVM will kill itself (kill -9) during checkout " + checkoutId + ": after the order is");
        out.println("created, before the payment is requested. Nothing is lost: the next run resumes the checkout.");
        CheckoutWorkflow.AfterOrderCreated dieHere = (id, orderId) -> {
            if (!id.equals(checkoutId)) {
                return; // a checkout recovered from an earlier run: let it finish
            }
            out.println("Order #" + orderId + " is created and steps 1-2 are in durable's journal; no payment was"
                    + " requested yet.");
            out.println("Killing this JVM now (kill -9 " + ProcessHandle.current().pid() + "). Resume with:");
            out.println("  " + resumeCommand());
            out.flush();
            kill.run();
        };
        try (DemoSession session = session(dieHere, payments)) {
            session.finishLeftovers();
            session.runCheckout(checkoutId, CART, "crash");
        }
    }

    /**
     * Starts durable, which resumes the checkouts an earlier process left unfinished, waits for
     * them and prints their journals: which steps were replayed and which ran for real here.
     *
     * @return the receipts of the resumed checkouts (empty if there was nothing to resume)
     */
    public List<Receipt> recover() {
        out.println("Recover demo: starting durable as executor '" + EXECUTOR_ID + "' on " + settings);
        try (DemoSession session = session(CheckoutWorkflow.AfterOrderCreated.NOTHING, payments)) {
            List<Receipt> receipts = session.finishLeftovers();
            if (!session.hadLeftovers()) {
                out.println("Nothing was left to recover. Interrupt a checkout first with:");
                out.println("  " + DEMO_COMMAND + " -Dexec.args=crash");
            }
            return receipts;
        }
    }

    private DemoSession session(CheckoutWorkflow.AfterOrderCreated hook, SimulatedPaymentProvider.Behaviour provider) {
        return new DemoSession(settings, out, hook, provider, paymentTimeout);
    }

    /** Each run needs its own workflow ID: the same ID would name the same, finished, checkout. */
    private static String newCheckoutId() {
        return "checkout-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** @return the demo command with {@code recover}, with this run's database settings when not the defaults */
    String resumeCommand() {
        StringBuilder command = new StringBuilder();
        if (!settings.url().equals(DatabaseSettings.DEFAULT_URL)) {
            command.append("DURABLE_DATABASE_URL=").append(shellQuote(settings.url())).append(' ');
        }
        if (!settings.user().equals(DatabaseSettings.DEFAULT_USER)) {
            command.append("DURABLE_DATABASE_USER=").append(shellQuote(settings.user())).append(' ');
        }
        return command.append(DEMO_COMMAND).append(" -Dexec.args=recover").toString();
    }

    private static String shellQuote(String value) {
        return SHELL_SAFE.matcher(value).matches() ? value : "'" + value.replace("'", "'\\''") + "'";
    }

    /** Ends this JVM the hard way, as a power cut or the OOM killer would: no shutdown hooks, no cleanup. */
    static void killThisJvm() {
        try {
            new ProcessBuilder("kill", "-9", String.valueOf(ProcessHandle.current().pid())).inheritIO().start().waitFor();
        } catch (IOException e) {
            // no kill command here: halt() below ends the JVM just as abruptly
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(137);
    }
}
