package io.durable.internal.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads named {@code prefix-N}, so thread dumps say whose they are. */
public final class NamedThreadFactory implements ThreadFactory {
    private final String prefix;
    private final boolean daemon;
    private final ClassLoader contextClassLoader;
    private final AtomicInteger counter = new AtomicInteger();

    /**
     * @param prefix             thread name prefix
     * @param daemon             whether the threads let the JVM exit
     * @param contextClassLoader class loader the threads see as their context loader
     */
    public NamedThreadFactory(String prefix, boolean daemon, ClassLoader contextClassLoader) {
        this.prefix = prefix;
        this.daemon = daemon;
        this.contextClassLoader = contextClassLoader;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = new Thread(task, prefix + "-" + counter.incrementAndGet());
        thread.setDaemon(daemon);
        thread.setContextClassLoader(contextClassLoader);
        return thread;
    }
}
