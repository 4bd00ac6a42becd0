package io.ringcast.engine;

/**
 * The allocation-free way to publish: a reusable writer the publisher fills and publishes again and again. At publish
 * the engine claims a ring slot and copies the fields into it (the payload bytes into the slot's own preallocated
 * buffer), so the caller may reuse its payload array as soon as the call returns, and neither the writer nor the
 * engine allocates on the publishing thread. A payload larger than 1 KiB is the exception: it is copied into an array
 * of its own (one allocation per event), which every reader then shares, so that no slot and no subscription keeps a
 * large buffer. {@link EventBatch} publishes many written events in one claim.
 *
 * <pre>{@code
 * Topic orders = engine.topic("orders/eu");                      // resolve once
 * EventWriter writer = engine.writer().topic(orders).type("created");
 * byte[] buffer = new byte[256];
 * int length = encodeOrder(order, buffer);                        // the caller's own encoding
 * long id = writer.payload(buffer, 0, length).tryPublish();       // RING_FULL / CLOSED when nothing was published
 * }</pre>
 *
 * <p>Fields keep their values between publishes until changed; {@link #clear()} resets all but the topic. Type,
 * audience and attributes are validated when set, so a publish is never refused for its content. Strings and
 * {@link Attributes} are immutable and shared, not copied; keep them as constants to publish without allocating.
 * {@link Message} remains the convenient path: it allocates a message (and usually a payload array) per event.
 *
 * <p>Thread-safety: not thread-safe; use one writer per publishing thread. Under {@link ProducerMode#SINGLE} only one
 * thread at a time may publish, whatever the writer.
 */
public final class EventWriter
{
    private static final byte[] NO_BYTES = new byte[0];

    final Engine engine;
    Topic topic;
    String type;
    String audience;
    Attributes attributes = Attributes.EMPTY;
    byte[] payload = NO_BYTES;
    int payloadOffset;
    int payloadLength;

    EventWriter(final Engine engine)
    {
        this.engine = engine;
    }

    /**
     * @param topic a handle from {@link Engine#topic(String)} of this writer's engine.
     * @return this writer.
     * @throws IllegalArgumentException when the handle belongs to another engine.
     */
    public EventWriter topic(final Topic topic)
    {
        if (topic == null)
        {
            throw new InvalidEventException("topic must not be null; resolve one with engine.topic(name)");
        }
        if (topic.owner != engine)
        {
            throw new IllegalArgumentException("topic '" + topic.name + "' was resolved by another engine; " +
                "resolve it with this engine's topic(name)");
        }
        this.topic = topic;
        return this;
    }

    /** @param type optional event type; {@code null} for none. @return this writer. */
    public EventWriter type(final String type)
    {
        this.type = Validation.optionalName("type", type);
        return this;
    }

    /** @param audience optional user id: the event then reaches only subscriptions acting for that user. */
    public EventWriter audience(final String audience)
    {
        this.audience = Validation.optionalName("audience", audience);
        return this;
    }

    /** @param attributes routing attributes, never {@code null} (use {@link Attributes#EMPTY}). */
    public EventWriter attributes(final Attributes attributes)
    {
        if (attributes == null)
        {
            throw new InvalidEventException("attributes must not be null; use Attributes.EMPTY");
        }
        this.attributes = attributes;
        return this;
    }

    /**
     * Points the writer at {@code length} payload bytes of {@code source} from {@code offset}. The bytes are copied
     * into the ring slot at publish, not here: do not change them until the publish call has returned.
     *
     * @return this writer.
     */
    public EventWriter payload(final byte[] source, final int offset, final int length)
    {
        if (source == null)
        {
            throw new InvalidEventException("payload must not be null; use length 0 for an empty payload");
        }
        if (offset < 0 || length < 0 || offset > source.length - length)
        {
            throw new InvalidEventException("payload range [" + offset + ", " + offset + " + " + length +
                ") does not fit an array of " + source.length + " bytes");
        }
        this.payload = source;
        this.payloadOffset = offset;
        this.payloadLength = length;
        return this;
    }

    /** Same as {@code payload(source, 0, source.length)}. */
    public EventWriter payload(final byte[] source)
    {
        return payload(source, 0, source == null ? 0 : source.length);
    }

    /** Resets type, audience, attributes and payload; keeps the topic. @return this writer. */
    public EventWriter clear()
    {
        type = null;
        audience = null;
        attributes = Attributes.EMPTY;
        payload = NO_BYTES;
        payloadOffset = 0;
        payloadLength = 0;
        return this;
    }

    /**
     * Publishes the writer's fields as one event without ever blocking.
     *
     * @return its id (&gt;= 0), or {@link Engine#RING_FULL} or {@link Engine#CLOSED} when nothing was published.
     * @throws InvalidEventException when no topic was set.
     */
    public long tryPublish()
    {
        return engine.tryPublishWritten(this);
    }

    /**
     * Publishes the writer's fields as one event, waiting for ring space when the ring is full.
     *
     * @return its id.
     * @throws IllegalStateException when the engine is closed.
     */
    public long publish()
    {
        return engine.publishWritten(this);
    }

    void requireTopic()
    {
        if (topic == null)
        {
            throw new InvalidEventException("no topic set: call writer.topic(engine.topic(name)) first");
        }
    }
}
