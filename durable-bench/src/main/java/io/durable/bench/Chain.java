package io.durable.bench;

import io.durable.Durable;
import io.durable.Step;
import io.durable.Workflow;

/**
 * The benchmark workflow: a chain of no-op steps, each returning a short string derived from the
 * previous step's result. The steps live on their own registered interface so that the workflow
 * calls them through durable's proxy (a call through {@code this} would not be checkpointed).
 */
public interface Chain {
    /**
     * @param seed  the first step's input
     * @param steps how many steps to run (0 runs none)
     * @return the last step's result, or the seed
     */
    String run(String seed, int steps);

    /** The step interface. */
    interface Steps {
        /**
         * @param previous the previous result
         * @param index    this step's 1-based position
         * @return a short string derived from {@code previous}
         */
        String next(String previous, int index);
    }

    /** Called at the start of every step body; the recovery workload crashes and times with it. */
    @FunctionalInterface
    interface StepHook {
        /** Does nothing. */
        StepHook NONE = index -> { };

        /**
         * @param index the step's 1-based position
         */
        void beforeStep(int index);
    }

    /** The step implementation. */
    final class StepsImpl implements Steps {
        private final StepHook hook;

        StepsImpl(StepHook hook) {
            this.hook = hook;
        }

        @Override
        @Step(name = "bench.next")
        public String next(String previous, int index) {
            hook.beforeStep(index);
            return Integer.toHexString(previous.hashCode() * 31 + index);
        }
    }

    /** The workflow implementation. */
    final class ChainImpl implements Chain {
        private final Steps steps;

        ChainImpl(Steps steps) {
            this.steps = steps;
        }

        @Override
        @Workflow(name = "bench.chain")
        public String run(String seed, int count) {
            String value = seed;
            for (int i = 1; i <= count; i++) {
                value = steps.next(value, i);
            }
            return value;
        }
    }

    /**
     * Registers the steps and the workflow on {@code durable}.
     *
     * @param durable not yet started
     * @param hook    called before every step body
     * @return the workflow proxy
     */
    static Chain register(Durable durable, StepHook hook) {
        Steps steps = durable.register(Steps.class, new StepsImpl(hook));
        return durable.register(Chain.class, new ChainImpl(steps));
    }
}
