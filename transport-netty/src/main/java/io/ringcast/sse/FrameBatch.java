package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.ringcast.engine.Event;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Scratch bytes of the frames gathered by one drain before they are copied into a single buffer. An event's frame is
 * encoded here, straight from the event where the subscription hands it over ({@link #addEvent}), so no frame exists
 * on the heap per event: with the frames kept beside the history (65,536 events), every event's frame outlived a young
 * collection, was promoted, and kept the collector marking the old generation to find the frames of evicted events.
 *
 * <p>For a write straight to the socket ({@link DirectSocket}) the framed batch is copied to direct staging memory
 * ({@link #stage}), {@value #STAGING_BYTES} bytes at a time: one copy, where the pipeline's path copies into a pooled
 * buffer instead.
 *
 * <p>Bounded: the scratch keeps {@value #RETAINED_BYTES} bytes between drains; a larger batch (the drain's limit is
 * derived from the stream's byte budget) grows it for that batch only. The staging memory is
 * {@value #STAGING_BYTES} bytes of direct memory, created on first use and never grown.
 *
 * <p>One instance per event loop ({@link ReadyStreams#batch()}), reused by every stream on that loop; not thread-safe.
 */
final class FrameBatch
{
    /** Scratch bytes kept between drains. */
    static final int RETAINED_BYTES = 64 * 1024;
    /** Direct memory a batch is copied to, piece by piece, for a direct socket write. */
    static final int STAGING_BYTES = RETAINED_BYTES;
    private static final byte[] CHUNK_END = {'\r', '\n'};
    /** The longest decimal id ({@link Long#MAX_VALUE}). */
    private static final int MAX_ID_DIGITS = 19;

    private byte[] bytes = new byte[RETAINED_BYTES];
    /** Over {@link #bytes}, for Agrona's ASCII number encoding. */
    private final UnsafeBuffer view = new UnsafeBuffer(bytes);
    private int count;
    private int length;
    /** {@link #STAGING_BYTES} of direct memory, and a buffer over it; created on first use. */
    private ByteBuffer stagingMemory;
    private ByteBuf staging;
    /** The framing of the batch as one HTTP/1.1 chunk ({@link #frame}): its size line and its end. */
    private final byte[] chunkHeader = new byte[StreamBodyEncoder.MAX_CHUNK_HEADER_BYTES];
    private int chunkHeaderLength;
    private int chunkEndLength;

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

    /**
     * Frames the batch for the wire: as one HTTP/1.1 chunk ({@code <hex size>\r\n<frames>\r\n}) when
     * {@code chunked}, as it is otherwise (HTTP/1.0). Then {@link #stage} and {@link #copyFramed} read ranges of the
     * framed bytes; {@link #clear} ends it.
     *
     * @return the framed length.
     */
    int frame(final boolean chunked)
    {
        chunkHeaderLength = chunked ? StreamBodyEncoder.putChunkHeader(chunkHeader, length) : 0;
        chunkEndLength = chunked ? CHUNK_END.length : 0;
        return chunkHeaderLength + length + chunkEndLength;
    }

    /**
     * Copies framed bytes {@code from} to {@code to} (at most {@value #STAGING_BYTES}) to the start of the loop's
     * direct staging memory ({@link #stagingMemory()}), for a write straight to a socket.
     */
    void stage(final int from, final int to)
    {
        if (staging == null)
        {
            stagingMemory = ByteBuffer.allocateDirect(STAGING_BYTES);
            staging = Unpooled.wrappedBuffer(stagingMemory);
        }
        staging.clear();
        copyFramed(from, to, staging);
    }

    /** @return the direct memory {@link #stage} copies to (its position and limit are not used). */
    ByteBuffer stagingMemory()
    {
        return stagingMemory;
    }

    /** Appends framed bytes {@code from} to {@code to} to {@code out}. */
    void copyFramed(final int from, final int to, final ByteBuf out)
    {
        final int bodyStart = chunkHeaderLength;
        final int bodyEnd = bodyStart + length;
        if (from < bodyStart)
        {
            out.writeBytes(chunkHeader, from, Math.min(to, bodyStart) - from);
        }
        if (to > bodyStart && from < bodyEnd)
        {
            final int start = Math.max(from, bodyStart);
            out.writeBytes(bytes, start - bodyStart, Math.min(to, bodyEnd) - start);
        }
        if (to > bodyEnd)
        {
            final int start = Math.max(from, bodyEnd);
            out.writeBytes(CHUNK_END, start - bodyEnd, to - start);
        }
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
