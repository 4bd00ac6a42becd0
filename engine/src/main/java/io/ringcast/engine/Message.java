package io.ringcast.engine;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * What a publisher hands to the engine: topic, optional type, optional audience, routing attributes and an opaque
 * payload. The engine adds the id and timestamp when it accepts the message and turns it into an {@link Event}.
 *
 * <p>All fields are validated when the message is built, so a published message is never rejected for its content.
 * A message is immutable and may be published any number of times (each publication gets a fresh id); the payload
 * array is not copied, so the caller must not change it after handing it over.
 *
 * <pre>{@code
 * Message m = Message.builder("orders/eu")
 *     .type("created")
 *     .payload("{\"id\":42}")
 *     .build();
 * long id = engine.tryPublish(m);
 * }</pre>
 *
 * <p>A message built with a {@link Topic} handle ({@link #builder(Topic)}, {@link #of(Topic, byte[])}) is routed
 * without hashing the topic name, as an {@link EventWriter}'s event is, and may be published only to the engine that
 * resolved the handle. It still shares its payload array instead of copying it: for a payload built once per event this
 * is the cheapest way to publish (one allocation, the message, and no copy).
 *
 * <p>Thread-safety: immutable once built, apart from one read-only view of the payload that the first reader creates
 * ({@link Event#payloadBuffer()} on an event carrying this message) and every later reader shares: it is stored with
 * release and read with acquire, so a reader on any thread sees it whole.
 */
public final class Message
{
    private static final byte[] NO_BYTES = new byte[0];
    private static final VarHandle PAYLOAD_VIEW;

    static
    {
        try
        {
            PAYLOAD_VIEW = MethodHandles.lookup().findVarHandle(Message.class, "payloadView", UnsafeBuffer.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    final String topic;
    /** The handle the message was built with, or {@code null}: lets the dispatcher skip the topic lookup. */
    final Topic topicHandle;
    final String type;
    final String audience;
    final Attributes attributes;
    final byte[] payload;
    /** Heap estimate of an event carrying this message, computed once here rather than on the dispatcher. */
    final int footprintBytes;
    /** The shared read-only view of {@link #payload}, created by the first reader; see the class comment. */
    @SuppressWarnings("unused") // through PAYLOAD_VIEW
    private UnsafeBuffer payloadView;

    private Message(final Builder b)
    {
        this.topicHandle = b.topicHandle;
        this.topic = b.topicHandle != null ? b.topicHandle.name : Validation.topic(b.topic);
        this.type = Validation.optionalName("type", b.type);
        this.audience = Validation.optionalName("audience", b.audience);
        this.attributes = b.attributes;
        this.payload = b.payload;
        this.footprintBytes = Event.footprintOf(payload.length, topic, type, audience, attributes);
    }

    /**
     * @param topic the topic: non-empty, at most 256 UTF-8 bytes, no control characters, no {@code *} (reserved for
     *              prefix patterns).
     * @param payload the payload, shared not copied.
     * @return a message with no type, audience or attributes.
     * @throws InvalidEventException when the topic is invalid.
     */
    public static Message of(final String topic, final byte[] payload)
    {
        return builder(topic).payload(payload).build();
    }

    /**
     * @param topic a handle from {@link Engine#topic(String)}: the message may be published only to that engine.
     * @param payload the payload, shared not copied.
     * @return a message with no type, audience or attributes.
     * @throws InvalidEventException when the handle is {@code null}.
     */
    public static Message of(final Topic topic, final byte[] payload)
    {
        return builder(topic).payload(payload).build();
    }

    /**
     * @param topic the topic.
     * @return a builder; validation happens in {@link Builder#build()}.
     */
    public static Builder builder(final String topic)
    {
        return new Builder(topic, null);
    }

    /**
     * @param topic a handle from {@link Engine#topic(String)} (validated when it was resolved): the message may be
     *              published only to that engine, which then routes it without hashing the topic name.
     * @return a builder.
     * @throws InvalidEventException when the handle is {@code null}.
     */
    public static Builder builder(final Topic topic)
    {
        if (topic == null)
        {
            throw new InvalidEventException("topic must not be null; resolve one with engine.topic(name)");
        }
        return new Builder(topic.name, topic);
    }

    public String topic()
    {
        return topic;
    }

    /** @return the handle the message was built with, or {@code null} when it was built with a topic name. */
    public Topic topicHandle()
    {
        return topicHandle;
    }

    public String type()
    {
        return type;
    }

    public String audience()
    {
        return audience;
    }

    public Attributes attributes()
    {
        return attributes;
    }

    public byte[] payload()
    {
        return payload;
    }

    /**
     * Any thread: a view of the payload that every event carrying this message hands out, so a delivery does not wrap a
     * buffer of its own (measured: rewrapping a view for each delivery cost a broadcast consumer about 2 ns of its
     * 5-8; bench/results/NOTES-2026-12-06.md, "Fourteenth session"). Created on first use (a racing creator's copy is
     * dropped), about 48 bytes.
     */
    DirectBuffer payloadView()
    {
        final UnsafeBuffer view = (UnsafeBuffer)PAYLOAD_VIEW.getAcquire(this);
        if (view != null)
        {
            return view;
        }
        final UnsafeBuffer created = new UnsafeBuffer(payload);
        final UnsafeBuffer witness = (UnsafeBuffer)PAYLOAD_VIEW.compareAndExchangeRelease(this, null, created);
        return witness != null ? witness : created;
    }

    /** Collects the fields of a {@link Message}. Not thread-safe; use one builder per thread. */
    public static final class Builder
    {
        private final String topic;
        private final Topic topicHandle;
        private String type;
        private String audience;
        private Attributes attributes = Attributes.EMPTY;
        private byte[] payload = NO_BYTES;

        private Builder(final String topic, final Topic topicHandle)
        {
            this.topic = topic;
            this.topicHandle = topicHandle;
        }

        /** @param type optional event type (the SSE {@code event:} field); {@code null} for none. */
        public Builder type(final String type)
        {
            this.type = type;
            return this;
        }

        /** @param audience optional user id; the event then reaches only subscriptions acting for that user. */
        public Builder audience(final String audience)
        {
            this.audience = audience;
            return this;
        }

        /** @param attributes routing attributes, never {@code null}. */
        public Builder attributes(final Attributes attributes)
        {
            if (attributes == null)
            {
                throw new InvalidEventException("attributes must not be null; use Attributes.EMPTY");
            }
            this.attributes = attributes;
            return this;
        }

        /** Adds or replaces one routing attribute. */
        public Builder attribute(final String key, final String value)
        {
            this.attributes = attributes.with(key, value);
            return this;
        }

        /** @param payload the payload bytes, shared not copied; {@code null} means empty. */
        public Builder payload(final byte[] payload)
        {
            this.payload = payload == null ? NO_BYTES : payload;
            return this;
        }

        /** @param payload the payload as text, stored as UTF-8. */
        public Builder payload(final String payload)
        {
            this.payload = payload == null ? NO_BYTES : payload.getBytes(StandardCharsets.UTF_8);
            return this;
        }

        /**
         * @return the validated message.
         * @throws InvalidEventException naming the first invalid field.
         */
        public Message build()
        {
            return new Message(this);
        }
    }
}
