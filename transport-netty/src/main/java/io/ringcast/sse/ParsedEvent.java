package io.ringcast.sse;

import io.ringcast.engine.EventWriter;
import io.ringcast.engine.Topic;

import java.util.Arrays;

/**
 * One event of a {@code POST /publish} body, validated by {@link PublishParser}: its topic handle, type and audience,
 * and where its payload (the exact JSON text of {@code data}) lies in the request body. Nothing is copied here: the
 * payload bytes are copied once, from the body straight into the engine's ring slot, by {@link #writeTo}.
 *
 * <p>Immutable; valid while the body array is (the request's lifetime).
 */
final class ParsedEvent
{
    private final Topic topic;
    private final String type;
    private final String audience;
    private final byte[] body;
    private final int dataOffset;
    private final int dataLength;

    ParsedEvent(
        final Topic topic, final String type, final String audience, final byte[] body, final int dataOffset,
        final int dataLength)
    {
        this.topic = topic;
        this.type = type;
        this.audience = audience;
        this.body = body;
        this.dataOffset = dataOffset;
        this.dataLength = dataLength;
    }

    String topic()
    {
        return topic.name();
    }

    String type()
    {
        return type;
    }

    /** @return the {@code user} field: the only user the event reaches, or {@code null} for everyone. */
    String audience()
    {
        return audience;
    }

    /** @return a copy of the payload (tests and diagnostics; publishing copies from the body itself). */
    byte[] payload()
    {
        return Arrays.copyOfRange(body, dataOffset, dataOffset + dataLength);
    }

    /**
     * Sets every field of the writer to this event's (the names were validated by the parser, so this never throws).
     *
     * @return the writer.
     */
    EventWriter writeTo(final EventWriter writer)
    {
        return writer.topic(topic).type(type).audience(audience).payload(body, dataOffset, dataLength);
    }
}
