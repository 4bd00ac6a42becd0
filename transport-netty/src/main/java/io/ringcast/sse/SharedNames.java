package io.ringcast.sse;

import io.ringcast.engine.Engine;
import io.ringcast.engine.Topic;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Validates the names of published events with the engine's own rules and gives each topic one {@link Topic} handle
 * and each type one string instance, so that the engine's slots and every subscription's view of an event keep
 * referencing the same objects from event to event. A fresh string or handle per {@code POST} would be kept by its
 * event's slot as long as the event stays in the storage (promoted by a young collection, then found dead by a marking
 * cycle), and every delivery would store the new reference into the subscription's long-lived view (a card-marking
 * store the next young pause scans); a shared one costs neither. A shared handle also carries the dispatcher's cached
 * index entries for its topic, so the dispatcher routes the event without hashing its topic.
 *
 * <p>Bounded: at most {@link #maxNames} topics and types of at most {@value #MAX_NAME_CHARS} characters each are kept,
 * never removed (topics are validated to at most 256 UTF-8 bytes). A name beyond either bound is used as parsed (a
 * topic then gets a handle of its own) and counted ({@code ringcast_publish_names_unshared_total}); the names kept are
 * a gauge ({@code ringcast_publish_names_shared}). Only names the engine accepted are kept.
 *
 * <p>Thread-safe: every event loop's publish handler shares one instance.
 */
final class SharedNames
{
    /** Names kept by default: a few MB at most. */
    static final int DEFAULT_MAX_NAMES = 16_384;
    /** Longer names are not kept (a topic has at most 256 UTF-8 bytes; a type is not bounded by the engine). */
    static final int MAX_NAME_CHARS = 256;

    private final Engine engine;
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> types = new ConcurrentHashMap<>();
    private final int maxNames;
    private final AtomicInteger shared;
    private final LongAdder unshared;

    /**
     * @param engine   the engine whose rules validate the names and whose handles are kept.
     * @param maxNames names kept at most.
     * @param shared   counts the names kept (a gauge).
     * @param unshared counts the names beyond a bound, used as parsed.
     */
    SharedNames(final Engine engine, final int maxNames, final AtomicInteger shared, final LongAdder unshared)
    {
        this.engine = engine;
        this.maxNames = maxNames;
        this.shared = shared;
        this.unshared = unshared;
    }

    /** @return a new instance over {@code engine} with its own counters (tests, a parser of its own). */
    static SharedNames standalone(final Engine engine)
    {
        return new SharedNames(engine, DEFAULT_MAX_NAMES, new AtomicInteger(), new LongAdder());
    }

    /**
     * @param name a parsed topic.
     * @return the handle kept for it, or a new one.
     * @throws io.ringcast.engine.InvalidEventException with the engine's reason when the topic is invalid.
     */
    Topic topic(final String name)
    {
        final Topic known = topics.get(name);
        if (known != null)
        {
            return known;
        }
        final Topic created = engine.topic(name); // validates
        if (!keep(name))
        {
            return created;
        }
        final Topic raced = topics.putIfAbsent(name, created);
        if (raced != null)
        {
            return raced;
        }
        shared.incrementAndGet(); // may pass maxNames by the number of loops racing here: bounded all the same
        return created;
    }

    /**
     * @param name a parsed event type, or {@code null}.
     * @return the instance kept for an equal type, {@code name} itself when none is kept, {@code null} for null.
     * @throws io.ringcast.engine.InvalidEventException with the engine's reason when the type is invalid.
     */
    String type(final String name)
    {
        if (name == null)
        {
            return null;
        }
        final String known = types.get(name);
        if (known != null)
        {
            return known;
        }
        engine.writer().type(name); // validates
        if (keep(name) && types.putIfAbsent(name, name) == null)
        {
            shared.incrementAndGet();
        }
        return name;
    }

    /**
     * @param user a parsed audience (the {@code user} field), or {@code null}; not kept (users are unbounded).
     * @return {@code user}.
     * @throws io.ringcast.engine.InvalidEventException with the engine's reason when it is invalid.
     */
    String audience(final String user)
    {
        if (user != null)
        {
            engine.writer().audience(user); // validates
        }
        return user;
    }

    private boolean keep(final String name)
    {
        if (name.length() > MAX_NAME_CHARS || shared.get() >= maxNames)
        {
            unshared.increment();
            return false;
        }
        return true;
    }
}
