package io.durable.examples.quickstart;

import io.durable.Durable;
import io.durable.Step;
import io.durable.Workflow;

public class Quickstart {
    public interface Mailer { String send(String to, String text); }
    public interface Signup { String welcome(String email); }

    public static class SmtpMailer implements Mailer {
        @Step(maxAttempts = 3) // checkpointed; retried up to 3 times
        public String send(String to, String text) {
            System.out.println("sending '" + text + "' to " + to);
            return "message-" + Math.abs(to.hashCode());
        }
    }

    public record SignupFlow(Durable durable, Mailer mailer) implements Signup {
        @Workflow // survives crashes: recorded steps are not run again
        public String welcome(String email) {
            String messageId = mailer.send(email, "Welcome aboard!");
            durable.step("audit", () -> System.out.println("welcomed " + email));
            return messageId;
        }
    }

    public static void main(String[] args) {
        // Nothing configured: the SQLite file ./durable.db. DURABLE_DATABASE_URL switches to PostgreSQL.
        try (Durable durable = Durable.builder().build()) {
            Mailer mailer = durable.register(Mailer.class, new SmtpMailer());
            Signup signup = durable.register(Signup.class, new SignupFlow(durable, mailer));
            durable.start(); // creates the schema, recovers unfinished workflows
            String id = durable.runWorkflow("welcome-ada", () -> signup.welcome("ada@example.com"));
            System.out.println("workflow welcome-ada returned " + id);
        }
    }
}
