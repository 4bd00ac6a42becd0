package io.ringcast.sse;

import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Server-Sent Events frames as bytes. An event's frame is encoded per delivery into the event loop's scratch
 * ({@link FrameBatch#addEvent}), from the event where the subscription hands it over: no frame is kept per event.
 *
 * <p>An event frame is {@code id: <id>}, {@code event: <type>} when the event has a type, then one {@code data:} line
 * per line of the payload, and a blank line. Payload lines are split at CRLF, CR and LF, as the WHATWG parser splits
 * them, so a client that joins the data lines with {@code \n} sees the payload (with line ends normalised to LF).
 *
 * <p>Stateless and thread-safe.
 */
final class SseFrames
{
    static final byte[] ID = bytes("id: ");
    static final byte[] EVENT = bytes("event: ");
    static final byte[] DATA = bytes("data: ");

    /** The comment written to an idle stream. */
    static final byte[] HEARTBEAT = bytes(": hb\n\n");

    private SseFrames()
    {
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

    /** @return the most bytes {@code length} payload bytes take as data lines (every byte a line break). */
    static long maxDataLinesLength(final int length)
    {
        return (long)length * (1 + DATA.length);
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
