package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.ringcast.engine.Event;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Scratch bytes of the frames gathered by one drain before they are copied into a single buffer. An event's frame is
 * encoded here, straight from the event where the subscription hands it over ({@link #addEvent}), so no frame exists
 * on the heap per event: with the frames kept beside the history (65,536 events), every event's frame outlived a young
 * collection, was promoted, and kept the collector marking the old generation to find the frames of evicted events.
 *
 * <p>Bounded: the scratch keeps {@value #RETAINED_BYTES} bytes between drains; a larger batch (the drain's limit is
 * derived from the stream's byte budget) grows it for that batch only.
 *
 * <p>One instance per event loop ({@link ReadyStreams#batch()}), reused by every stream on that loop; not thread-safe.
 */
final class FrameBatch
{
    /** Scratch bytes kept between drains. */
    static final int RETAINED_BYTES = 64 * 1024;
    /** The longest decimal id ({@link Long#MAX_VALUE}). */
    private static final int MAX_ID_DIGITS = 19;

    private byte[] bytes = new byte[RETAINED_BYTES];
    /** Over {@link #bytes}, for Agrona's ASCII number encoding. */
    private final UnsafeBuffer view = new UnsafeBuffer(bytes);
    private int count;
    private int length;

    /** Appends a complete frame, copied. */
    void add(final byte[] frame)
    {
        ensure(frame.length);
        System.arraycopy(frame, 0, bytes, length, frame.length);
        length += frame.length;
        count++;
    }

    /**
     * Appends {@code event}'s frame ({@link SseFrames}: {@code id:}, {@code event:} when typed, the {@code data:} lines,
     * a blank line), encoded from the event as handed over; allocates nothing unless the type is not ASCII.
     *
     * @param id the frame's id, or {@code null} for the event's own ({@link Event#idString()}).
     * @return the frame's length in bytes.
     */
    int addEvent(final String id, final Event event)
    {
        final String formattedId = id != null ? id : event.hasFormattedId() ? event.idString() : null;
        return addFrame(formattedId, event.id(), event.type(), event.payloadBuffer(), event.payloadLength());
    }

    /**
     * Appends one event frame.
     *
     * @param formattedId the frame's id, or {@code null} to write {@code id} in decimal.
     * @param id          the numeric id, written when {@code formattedId} is {@code null}.
     * @param type        the event type, or {@code null} for none.
     * @param payload     the payload, read where it lies.
     * @param payloadLength its length in bytes.
     * @return the frame's length in bytes.
     */
    int addFrame(
        final String formattedId, final long id, final String type, final DirectBuffer payload, final int payloadLength)
    {
        ensure(SseFrames.ID.length + (formattedId == null ? MAX_ID_DIGITS : formattedId.length()) + 1 +
            (type == null ? 0 : SseFrames.EVENT.length + 3L * type.length() + 1) +
            SseFrames.DATA.length + SseFrames.maxDataLinesLength(payloadLength) + 2);
        final int start = length;
        int at = put(start, SseFrames.ID);
        if (formattedId == null)
        {
            at += view.putLongAscii(at, id);
        }
        else
        {
            at = putAscii(at, formattedId);
        }
        bytes[at++] = '\n';
        if (type != null)
        {
            at = put(at, SseFrames.EVENT);
            at = putUtf8(at, type);
            bytes[at++] = '\n';
        }
        at = put(at, SseFrames.DATA);
        at = SseFrames.putDataLines(bytes, at, payload, payloadLength);
        bytes[at++] = '\n';
        bytes[at++] = '\n';
        length = at;
        count++;
        return at - start;
    }

    int count()
    {
        return count;
    }

    int bytes()
    {
        return length;
    }

    /** Copies the frames into {@code out} in order and empties the batch. */
    void moveTo(final ByteBuf out)
    {
        out.writeBytes(bytes, 0, length);
        clear();
    }

    void clear()
    {
        count = 0;
        length = 0;
        if (bytes.length > RETAINED_BYTES)
        {
            bytes = new byte[RETAINED_BYTES];
            view.wrap(bytes);
        }
    }

    private void ensure(final long more)
    {
        final long needed = length + more;
        if (needed > bytes.length)
        {
            if (needed > Integer.MAX_VALUE - 8)
            {
                throw new IllegalStateException("a drain's frames exceed " + (Integer.MAX_VALUE - 8) + " bytes");
            }
            bytes = java.util.Arrays.copyOf(bytes, (int)Math.max(needed, Math.min(Integer.MAX_VALUE - 8,
                2L * bytes.length)));
            view.wrap(bytes);
        }
    }

    private int put(final int at, final byte[] source)
    {
        System.arraycopy(source, 0, bytes, at, source.length);
        return at + source.length;
    }

    /** Ids are printable ASCII ({@link io.ringcast.engine.EventIdFormatter}'s contract, and decimal ids). */
    private int putAscii(final int at, final String s)
    {
        for (int i = 0; i < s.length(); i++)
        {
            bytes[at + i] = (byte)s.charAt(i);
        }
        return at + s.length();
    }

    /** An ASCII type is copied char by char; any other is encoded by the JDK (allocates, which is rare). */
    private int putUtf8(final int at, final String s)
    {
        for (int i = 0; i < s.length(); i++)
        {
            if (s.charAt(i) >= 0x80)
            {
                return put(at, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return putAscii(at, s);
    }
}
