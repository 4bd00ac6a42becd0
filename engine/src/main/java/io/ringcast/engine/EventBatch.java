package io.ringcast.engine;

import java.util.Arrays;

/**
 * The batch form of {@link EventWriter}: events staged one by one from a writer, then published in one claim, all or
 * none, with consecutive ids. Publishing copies each event into its ring slot exactly as {@link EventWriter#tryPublish()}
 * does (the payload bytes into the slot's own buffer), so the caller's arrays are free again when the call returns and
 * nothing per event outlives it.
 *
 * <pre>{@code
 * EventBatch batch = engine.batch();                               // reusable, one per publishing thread
 * EventWriter writer = engine.writer();
 * for (Order order : orders)
 * {
 *     batch.add(writer.topic(ordersEu).type("created").payload(body, order.offset(), order.length()));
 * }
 * long first = batch.tryPublish();                                 // RING_FULL: nothing published, batch kept
 * }</pre>
 *
 * <p>{@link #add} takes the writer's fields as they are at that moment (they were validated when set); the payload bytes
 * are not copied until publish, so the caller must not change them until then. A successful publish clears the batch;
 * {@link Engine#RING_FULL} leaves it as it was, to retry. Bounded: at most the engine's ring size events (a batch is one
 * claim); the staging arrays grow on demand up to that and are kept for reuse.
 *
 * <p>Thread-safety: not thread-safe; use one batch per publishing thread. Under {@link ProducerMode#SINGLE} only one
 * thread at a time may publish, whatever the batch.
 */
public final class EventBatch
{
    private static final int INITIAL_CAPACITY = 16;

    private final Engine engine;
    private final int maxSize;
    private Topic[] topics = new Topic[INITIAL_CAPACITY];
    private String[] types = new String[INITIAL_CAPACITY];
    private String[] audiences = new String[INITIAL_CAPACITY];
    private Attributes[] attributes = new Attributes[INITIAL_CAPACITY];
    private byte[][] payloads = new byte[INITIAL_CAPACITY][];
    private int[] offsets = new int[INITIAL_CAPACITY];
    private int[] lengths = new int[INITIAL_CAPACITY];
    private int size;

    EventBatch(final Engine engine, final int maxSize)
    {
        this.engine = engine;
        this.maxSize = maxSize;
    }

    /**
     * Stages the writer's current fields as the batch's next event.
     *
     * @param writer a writer of this batch's engine, with a topic set.
     * @return this batch.
     * @throws InvalidEventException when the writer has no topic or the batch already holds the ring size.
     * @throws IllegalArgumentException when the writer belongs to another engine.
     */
    public EventBatch add(final EventWriter writer)
    {
        if (writer.engine != engine)
        {
            throw new IllegalArgumentException("the writer belongs to another engine; use this engine's writer()");
        }
        writer.requireTopic();
        if (size == maxSize)
        {
            throw new InvalidEventException("a batch holds at most ringSize = " + maxSize + " events");
        }
        if (size == topics.length)
        {
            grow();
        }
        topics[size] = writer.topic;
        types[size] = writer.type;
        audiences[size] = writer.audience;
        attributes[size] = writer.attributes;
        payloads[size] = writer.payload;
        offsets[size] = writer.payloadOffset;
        lengths[size] = writer.payloadLength;
        size++;
        return this;
    }

    /** @return the events staged. */
    public int size()
    {
        return size;
    }

    /** Drops every staged event (and the references to their arrays); keeps the staging arrays. @return this batch. */
    public EventBatch clear()
    {
        Arrays.fill(topics, 0, size, null);
        Arrays.fill(types, 0, size, null);
        Arrays.fill(audiences, 0, size, null);
        Arrays.fill(attributes, 0, size, null);
        Arrays.fill(payloads, 0, size, null);
        size = 0;
        return this;
    }

    /**
     * Publishes the staged events in one claim without ever blocking: all or none. Clears the batch when published.
     *
     * @return the id of the first event (the others follow consecutively), or {@link Engine#RING_FULL} or
     *         {@link Engine#CLOSED} when nothing was published (the batch is kept).
     * @throws InvalidEventException when the batch is empty.
     */
    public long tryPublish()
    {
        final long first = engine.tryPublishStaged(this);
        if (first >= 0)
        {
            clear();
        }
        return first;
    }

    /**
     * Publishes the staged events in one claim, waiting for ring space. Clears the batch.
     *
     * @return the id of the first event; the others follow consecutively.
     * @throws IllegalStateException when the engine is closed.
     * @throws InvalidEventException when the batch is empty.
     */
    public long publish()
    {
        final long first = engine.publishStaged(this);
        clear();
        return first;
    }

    int requireEvents()
    {
        if (size == 0)
        {
            throw new InvalidEventException("the batch is empty: add at least one event");
        }
        return size;
    }

    /** Publisher, in the claimed slot of staged event {@code index}. */
    void writeInto(final Event slot, final int index)
    {
        slot.setWritten(topics[index], types[index], audiences[index], attributes[index], payloads[index],
            offsets[index], lengths[index]);
    }

    private void grow()
    {
        final int capacity = Math.min(maxSize, topics.length * 2);
        topics = Arrays.copyOf(topics, capacity);
        types = Arrays.copyOf(types, capacity);
        audiences = Arrays.copyOf(audiences, capacity);
        attributes = Arrays.copyOf(attributes, capacity);
        payloads = Arrays.copyOf(payloads, capacity);
        offsets = Arrays.copyOf(offsets, capacity);
        lengths = Arrays.copyOf(lengths, capacity);
    }
}
