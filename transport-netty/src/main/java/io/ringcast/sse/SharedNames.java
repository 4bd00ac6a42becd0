package io.ringcast.sse;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One string instance per topic or type name published, so that the engine's slots and every subscription's view of
 * an event keep referencing the same string from event to event. A fresh string per {@code POST} would be kept by its
 * event's slot as long as the event stays in the storage (promoted by a young collection, then found dead by a marking
 * cycle), and every delivery would store the new reference into the subscription's long-lived view (a card-marking
 * store the next young pause scans); a shared one costs neither.
 *
 * <p>Bounded: at most {@link #maxNames} names of at most {@value #MAX_NAME_CHARS} characters each are kept, never
 * removed (topics are validated to at most 256 UTF-8 bytes). A name beyond either bound is used as parsed and counted
 * ({@code ringcast_publish_names_unshared_total}); the names kept are a gauge ({@code ringcast_publish_names_shared}).
 *
 * <p>Thread-safe: every event loop's publish handler shares one instance.
 */
final class SharedNames
{
    /** Names kept by default: a few MB at most. */
    static final int DEFAULT_MAX_NAMES = 16_384;
    /** Longer names are not kept (a topic has at most 256 UTF-8 bytes; a type is not bounded by the engine). */
    static final int MAX_NAME_CHARS = 256;

    private final ConcurrentHashMap<String, String> names = new ConcurrentHashMap<>();
    private final int maxNames;
    private final AtomicInteger shared;
    private final LongAdder unshared;

    /**
     * @param maxNames names kept at most.
     * @param shared   counts the names kept (a gauge).
     * @param unshared counts the names beyond a bound, used as parsed.
     */
    SharedNames(final int maxNames, final AtomicInteger shared, final LongAdder unshared)
    {
        this.maxNames = maxNames;
        this.shared = shared;
        this.unshared = unshared;
    }

    /** @return a new instance with its own counters (tests, a parser of its own). */
    static SharedNames standalone()
    {
        return new SharedNames(DEFAULT_MAX_NAMES, new AtomicInteger(), new LongAdder());
    }

    /**
     * @param name a parsed name, or {@code null}.
     * @return the instance kept for an equal name, or {@code null} when there is none (or {@code name} is null).
     */
    String known(final String name)
    {
        return name == null ? null : names.get(name);
    }

    /**
     * Keeps {@code name} as the shared instance of its value, within the bounds. Call only with a name the engine
     * accepted, so that no invalid name takes a place.
     */
    void add(final String name)
    {
        if (name == null)
        {
            return;
        }
        if (name.length() > MAX_NAME_CHARS || shared.get() >= maxNames)
        {
            unshared.increment();
            return;
        }
        if (names.putIfAbsent(name, name) == null)
        {
            shared.incrementAndGet(); // may pass maxNames by the number of loops racing here: bounded all the same
        }
    }
}
