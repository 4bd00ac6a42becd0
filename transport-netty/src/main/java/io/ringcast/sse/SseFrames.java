package io.ringcast.sse;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventEncoder;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Builds Server-Sent Events frames as bytes. As the engine's {@link EventEncoder} it runs once per event on the
 * dispatcher thread, and every stream then copies the same bytes ({@link Event#encoded()}) to its socket.
 *
 * <p>An event frame is {@code id: <id>}, {@code event: <type>} when the event has a type, then one {@code data:} line
 * per line of the payload, and a blank line. Payload lines are split at CRLF, CR and LF, as the WHATWG parser splits
 * them, so a client that joins the data lines with {@code \n} sees the payload (with line ends normalised to LF).
 *
 * <p>Stateless and thread-safe.
 */
final class SseFrames implements EventEncoder
{
    private static final byte[] ID = bytes("id: ");
    private static final byte[] EVENT = bytes("event: ");
    private static final byte[] DATA = bytes("data: ");

    /** The comment written to an idle stream. */
    static final byte[] HEARTBEAT = bytes(": hb\n\n");

    @Override
    public Object encode(final Event event)
    {
        return frame(event.idString(), event.type(), event.payloadBuffer(), event.payloadLength());
    }

    /** @return the event's frame, from the encoder's cache or built now (events restored from a durable log). */
    static byte[] frameOf(final Event event)
    {
        final Object encoded = event.encoded();
        return encoded instanceof byte[] ? (byte[])encoded :
            frame(event.idString(), event.type(), event.payloadBuffer(), event.payloadLength());
    }

    /** @return the first frame of every stream: the client's reconnection delay. */
    static byte[] retry(final long retryMs)
    {
        return bytes("retry: " + retryMs + "\n\n");
    }

    /**
     * @param requestedId the {@code Last-Event-ID} the client resumed from.
     * @return the {@code reset} frame sent before anything else when events after {@code requestedId} are no longer
     *         retained: {@code event: reset} with data {@code {"reason":"history-gap","lastEventId":"<id>"}}.
     */
    static byte[] reset(final String requestedId)
    {
        return bytes("event: reset\ndata: {\"reason\":\"history-gap\",\"lastEventId\":\"" + requestedId + "\"}\n\n");
    }

    /**
     * @param expiredAtMs when the stream's token expired, epoch ms.
     * @return the last frame of a stream whose token expired: {@code event: token-expired} with data
     *         {@code {"reason":"token-expired","expiredAt":"<ISO-8601 instant>"}}. It has no id, so the client's last
     *         event id stays the last event it received: reconnect with a fresh token and that id to resume.
     */
    static byte[] tokenExpired(final long expiredAtMs)
    {
        return bytes("event: token-expired\ndata: {\"reason\":\"token-expired\",\"expiredAt\":\"" +
            java.time.Instant.ofEpochMilli(expiredAtMs) + "\"}\n\n");
    }

    static byte[] frame(final String id, final String type, final byte[] payload)
    {
        return frame(id, type, new UnsafeBuffer(payload), payload.length);
    }

    /**
     * @param id      the frame's id.
     * @param type    the event type, or {@code null} for none.
     * @param payload the payload, read where it lies (the event's own slot): the frame is the only copy made.
     * @param length  the payload's length in bytes.
     * @return the complete frame, ending with its blank line.
     */
    static byte[] frame(final String id, final String type, final DirectBuffer payload, final int length)
    {
        final byte[] typeBytes = type == null ? null : type.getBytes(StandardCharsets.UTF_8);
        final int size = ID.length + id.length() + 1 +
            (typeBytes == null ? 0 : EVENT.length + typeBytes.length + 1) +
            DATA.length + dataLinesLength(payload, length) + 1 + 1;
        final byte[] frame = new byte[size];
        int at = put(frame, 0, ID);
        for (int i = 0; i < id.length(); i++)
        {
            frame[at++] = (byte)id.charAt(i);
        }
        frame[at++] = '\n';
        if (typeBytes != null)
        {
            at = put(frame, at, EVENT);
            at = put(frame, at, typeBytes);
            frame[at++] = '\n';
        }
        at = put(frame, at, DATA);
        at = putDataLines(frame, at, payload, length);
        frame[at++] = '\n';
        frame[at] = '\n';
        return frame;
    }

    /**
     * @return the payload's length once each line break (CRLF, CR or LF) became {@code \ndata: }, as the WHATWG parser
     *         splits lines: one {@code data:} line per payload line.
     */
    static int dataLinesLength(final DirectBuffer payload, final int length)
    {
        int size = 0;
        for (int i = 0; i < length; i++)
        {
            final byte b = payload.getByte(i);
            if (b == '\r' || b == '\n')
            {
                if (b == '\r' && i + 1 < length && payload.getByte(i + 1) == '\n')
                {
                    i++;
                }
                size += 1 + DATA.length;
            }
            else
            {
                size++;
            }
        }
        return size;
    }

    /** Writes the payload at {@code start}, each line break as {@code \ndata: }; @return the index after it. */
    static int putDataLines(final byte[] frame, final int start, final DirectBuffer payload, final int length)
    {
        int at = start;
        for (int i = 0; i < length; i++)
        {
            final byte b = payload.getByte(i);
            if (b == '\r' || b == '\n')
            {
                if (b == '\r' && i + 1 < length && payload.getByte(i + 1) == '\n')
                {
                    i++;
                }
                frame[at++] = '\n';
                at = put(frame, at, DATA);
            }
            else
            {
                frame[at++] = b;
            }
        }
        return at;
    }

    private static int put(final byte[] frame, final int at, final byte[] bytes)
    {
        System.arraycopy(bytes, 0, frame, at, bytes.length);
        return at + bytes.length;
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
