package io.ringcast.engine;

/**
 * One preallocated ring entry. A publisher fills it between claim and publish, either with a {@link Message} (the
 * convenient path) or field by field from an {@link EventWriter} (the allocation-free path: the payload is copied into
 * the slot's own buffer); the dispatcher reads it and clears the message reference so the ring does not keep payloads
 * alive. Ordering comes from the Disruptor's sequence publication; the fields themselves are plain.
 *
 * <p>The payload buffer grows on demand and is kept for the next use of the slot up to
 * {@link #RETAINED_PAYLOAD_BYTES}; a larger payload gets a buffer of its own for that one event, so the ring's memory
 * stays bounded by {@code ringSize * RETAINED_PAYLOAD_BYTES}.
 */
final class Slot
{
    /** Largest payload buffer a slot keeps between uses. */
    static final int RETAINED_PAYLOAD_BYTES = 1024;
    private static final byte[] NO_BYTES = new byte[0];

    Message message;
    long timestampMs;
    String origin;
    long originSequence;
    boolean relayed;

    // written by an EventWriter; read when message == null
    Topic topic;
    String type;
    String audience;
    Attributes attributes;
    byte[] payload = NO_BYTES;
    int payloadLength;

    void set(final Message message, final long timestampMs)
    {
        this.message = message;
        this.timestampMs = timestampMs;
        this.origin = null;
        this.originSequence = 0;
        this.relayed = false;
    }

    void setRelayed(final Message message, final long timestampMs, final String origin, final long originSequence)
    {
        this.message = message;
        this.timestampMs = timestampMs;
        this.origin = origin;
        this.originSequence = originSequence;
        this.relayed = true;
    }

    void write(final EventWriter writer, final long timestampMs)
    {
        this.message = null;
        this.timestampMs = timestampMs;
        this.origin = null;
        this.originSequence = 0;
        this.relayed = false;
        this.topic = writer.topic;
        this.type = writer.type;
        this.audience = writer.audience;
        this.attributes = writer.attributes;
        final int length = writer.payloadLength;
        byte[] buffer = payload;
        if (buffer.length < length)
        {
            buffer = new byte[length <= RETAINED_PAYLOAD_BYTES ?
                Math.min(RETAINED_PAYLOAD_BYTES, Integer.highestOneBit(Math.max(1, length - 1)) << 1) : length];
            payload = buffer;
        }
        System.arraycopy(writer.payload, writer.payloadOffset, buffer, 0, length);
        this.payloadLength = length;
    }

    /** Dispatcher: after the event was built, drop a one-off oversized buffer. */
    void release()
    {
        message = null;
        if (payload.length > RETAINED_PAYLOAD_BYTES)
        {
            payload = NO_BYTES;
        }
    }
}
