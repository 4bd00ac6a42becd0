package io.ringcast.engine;

import java.nio.charset.StandardCharsets;

/**
 * An event as delivered to subscribers: the publisher's {@link Message} fields plus the id and timestamp the engine
 * assigned, and the origin node for events relayed from other replicas.
 *
 * <p>One instance is created per published event, on the dispatcher thread, and shared by every subscription that
 * receives it and by the history. It is effectively immutable once dispatched: the dispatcher sets the enriched
 * attributes and the {@linkplain #encoded() encoded form} before it hands the event to any other thread, and the
 * hand-over (queue offer or history publication) is a release/acquire pair; the same holds for the id an
 * {@link EventIdFormatter} gives it, so readers on any thread see final values.
 */
public final class Event
{
    final long id;
    final long timestampMs;
    final String topic;
    /** The handle it was published with, or {@code null} (a {@link Message}): lets the index skip hashing. */
    final Topic topicHandle;
    final String type;
    final String audience;
    final byte[] payload;
    final String origin;
    final long originSequence;
    final boolean local;
    Attributes attributes;
    Object encoded;
    String formattedId;
    /** Heap estimate for history accounting; see {@link #footprintBytes()}. */
    private int footprintBytes;

    Event(
        final long id,
        final long timestampMs,
        final Message message,
        final String origin,
        final long originSequence,
        final boolean local)
    {
        this.id = id;
        this.timestampMs = timestampMs;
        this.topic = message.topic;
        this.topicHandle = null;
        this.type = message.type;
        this.audience = message.audience;
        this.attributes = message.attributes;
        this.payload = message.payload;
        this.footprintBytes = message.footprintBytes;
        this.origin = origin;
        this.originSequence = originSequence;
        this.local = local;
    }

    /** Dispatcher: an event written field by field by an {@link EventWriter}; {@code payload} is its own copy. */
    Event(final long id, final long timestampMs, final Slot slot, final byte[] payload, final String origin)
    {
        this.id = id;
        this.timestampMs = timestampMs;
        this.topicHandle = slot.topic;
        this.topic = slot.topic.name;
        this.type = slot.type;
        this.audience = slot.audience;
        this.attributes = slot.attributes;
        this.payload = payload;
        this.footprintBytes = 96 + payload.length + topic.length() + (type == null ? 0 : type.length()) +
            (audience == null ? 0 : audience.length()) + attributes.footprintBytes();
        this.origin = origin;
        this.originSequence = id;
        this.local = true;
    }

    /**
     * Rebuilds an event read back from a durable {@link EventLog}. Not for publishing: use {@link Engine#tryPublish}.
     *
     * @param id             the id the event was given when first published.
     * @param timestampMs    its original timestamp.
     * @param message        its fields.
     * @param origin         the node it was first published on.
     * @param originSequence its id on that node.
     * @return the event.
     */
    public static Event restore(
        final long id, final long timestampMs, final Message message, final String origin, final long originSequence)
    {
        return new Event(id, timestampMs, message, origin, originSequence, false);
    }

    /** @return the engine-assigned id: unique and increasing per node, also across restarts; see {@link EventIds}. */
    public long id()
    {
        return id;
    }

    /**
     * @return the id in its printable form, as used for SSE {@code id:} and {@code Last-Event-ID}: what the configured
     *         {@link EventIdFormatter} gave this event, else the decimal {@link #id()}.
     */
    public String idString()
    {
        final String formatted = formattedId;
        return formatted != null ? formatted : EventIds.format(id);
    }

    /** @return {@code true} when an {@link EventIdFormatter} gave this event its {@link #idString()}. */
    public boolean hasFormattedId()
    {
        return formattedId != null;
    }

    /** @return wall-clock milliseconds since the epoch at which the engine accepted the event. */
    public long timestampMs()
    {
        return timestampMs;
    }

    public String topic()
    {
        return topic;
    }

    /** @return the type, or {@code null}. */
    public String type()
    {
        return type;
    }

    /** @return the user the event is private to, or {@code null} for a public event. */
    public String audience()
    {
        return audience;
    }

    /** @return the routing attributes after enrichment. */
    public Attributes attributes()
    {
        return attributes;
    }

    /** @return the payload; callers must not modify it. */
    public byte[] payload()
    {
        return payload;
    }

    /** @return the payload decoded as UTF-8. */
    public String payloadAsString()
    {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** @return the node id of the replica where the event was first published. */
    public String origin()
    {
        return origin;
    }

    /** @return the id the event had on its origin node; equal to {@link #id()} for local events. */
    public long originSequence()
    {
        return originSequence;
    }

    /** @return {@code true} when the event was published on this node, {@code false} when relayed from another. */
    public boolean isLocal()
    {
        return local;
    }

    /**
     * @return what the configured {@link EventEncoder} produced for this event (for example a shared SSE frame), or
     *         {@code null} when no encoder is configured.
     */
    public Object encoded()
    {
        return encoded;
    }

    /** @return an estimate of the heap this event retains, for history accounting (precomputed by the message). */
    int footprintBytes()
    {
        return footprintBytes;
    }

    /** Dispatcher thread, before the event is shared: sets the formatted id, counted in the footprint. */
    void setFormattedId(final String id)
    {
        footprintBytes += 40 + id.length();
        formattedId = id;
    }

    /** Dispatcher thread, before the event is shared: replaces the routing attributes after enrichment. */
    void enrichAttributes(final Attributes enriched)
    {
        footprintBytes += enriched.footprintBytes() - attributes.footprintBytes();
        attributes = enriched;
    }

    @Override
    public String toString()
    {
        return "Event{id=" + id + ", topic='" + topic + '\'' + (type == null ? "" : ", type='" + type + '\'') +
            (audience == null ? "" : ", audience='" + audience + '\'') + ", attributes=" + attributes +
            ", payload=" + payload.length + "B, origin='" + origin + "'}";
    }
}
