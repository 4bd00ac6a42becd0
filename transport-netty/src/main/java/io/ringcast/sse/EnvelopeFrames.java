package io.ringcast.sse;

import io.ringcast.engine.Event;

import java.nio.charset.StandardCharsets;

/**
 * Builds the frames of an envelope stream ({@code GET /events?...&envelope=1}): the event's fields travel in the data
 * as one JSON object, so a subscriber to a prefix pattern can tell topics apart and a browser sees every type
 * through one listener.
 *
 * <pre>
 * id: 42
 * data: {"id":"42","topic":"orders/eu","type":"created","time":1765000000000,"private":false,"data":{"n":1}}
 * </pre>
 *
 * <p>The frame has no {@code event:} line: {@code EventSource} dispatches every envelope as a {@code message} event,
 * and the type is a field ({@code null} for an untyped event). {@code private} is {@code true} for an event addressed
 * to one user; {@code time} is the publish time in epoch milliseconds; {@code data} is the payload as published, which
 * is JSON for everything that came through {@code POST /publish}. A payload holding line breaks (pretty-printed JSON)
 * is split over several {@code data:} lines, as {@link SseFrames} splits it; a client joins them with {@code \n},
 * which JSON reads as white space. Control frames ({@code event: reset}) are not enveloped.
 *
 * <p>Unlike the shared frame of {@link SseFrames}, which the engine builds once per event, an envelope frame is built
 * per envelope stream and event (one array of the frame's size), so the opt-in costs an allocation and a copy per
 * delivered event; streams without {@code envelope=1} are unaffected. Stateless and thread-safe.
 */
final class EnvelopeFrames
{
    private static final byte[] ID = bytes("id: ");
    private static final byte[] OPEN = bytes("data: {\"id\":\"");
    private static final byte[] TOPIC = bytes("\",\"topic\":");
    private static final byte[] TYPE = bytes(",\"type\":");
    private static final byte[] NULL = bytes("null");
    private static final byte[] TIME = bytes(",\"time\":");
    private static final byte[] PUBLIC = bytes(",\"private\":false,\"data\":");
    private static final byte[] PRIVATE = bytes(",\"private\":true,\"data\":");

    private EnvelopeFrames()
    {
    }

    /**
     * @param value the {@code envelope} query parameter, or {@code null}.
     * @return whether the stream asked for envelopes: {@code 1} or {@code true}; absent, {@code 0} or {@code false}
     *         ask for plain frames.
     * @throws HttpError 400 for any other value.
     */
    static boolean requested(final String value)
    {
        if (value == null || value.equals("0") || value.equalsIgnoreCase("false"))
        {
            return false;
        }
        if (value.equals("1") || value.equalsIgnoreCase("true"))
        {
            return true;
        }
        throw HttpError.badRequest("invalid 'envelope' parameter '" + RequestTarget.printable(value) +
            "': use 1 (or true) for JSON envelopes, 0 (or false) or leave it out for plain frames");
    }

    /**
     * @param id    the id the client sees (the event's id, or its replication position while a resume catches up).
     * @param event the event.
     * @return the complete frame, ending with its blank line.
     */
    static byte[] frame(final String id, final Event event)
    {
        final byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
        final byte[] topic = jsonString(event.topic());
        final byte[] type = event.type() == null ? NULL : jsonString(event.type());
        final byte[] time = Long.toString(event.timestampMs()).getBytes(StandardCharsets.US_ASCII);
        final byte[] flag = event.audience() == null ? PUBLIC : PRIVATE;
        final int size = ID.length + idBytes.length + 1 + OPEN.length + idBytes.length + TOPIC.length + topic.length +
            TYPE.length + type.length + TIME.length + time.length + flag.length +
            SseFrames.dataLinesLength(event.payloadBuffer(), event.payloadLength()) + 3;
        final byte[] frame = new byte[size];
        int at = put(frame, 0, ID);
        at = put(frame, at, idBytes);
        frame[at++] = '\n';
        at = put(frame, at, OPEN);
        at = put(frame, at, idBytes);
        at = put(frame, at, TOPIC);
        at = put(frame, at, topic);
        at = put(frame, at, TYPE);
        at = put(frame, at, type);
        at = put(frame, at, TIME);
        at = put(frame, at, time);
        at = put(frame, at, flag);
        at = SseFrames.putDataLines(frame, at, event.payloadBuffer(), event.payloadLength());
        frame[at++] = '}';
        frame[at++] = '\n';
        frame[at++] = '\n';
        if (at != size)
        {
            throw new IllegalStateException("envelope frame sized " + size + " but " + at + " bytes written");
        }
        return frame;
    }

    /** @return {@code s} as a quoted JSON string in UTF-8. */
    static byte[] jsonString(final String s)
    {
        return Responses.quote(s).getBytes(StandardCharsets.UTF_8);
    }

    private static int put(final byte[] frame, final int at, final byte[] bytes)
    {
        System.arraycopy(bytes, 0, frame, at, bytes.length);
        return at + bytes.length;
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
