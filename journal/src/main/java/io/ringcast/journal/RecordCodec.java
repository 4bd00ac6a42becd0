package io.ringcast.journal;

import io.ringcast.engine.Attributes;
import io.ringcast.engine.Event;
import io.ringcast.engine.EventLog;
import io.ringcast.engine.Message;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * The body of one journal record, the event's fields in a fixed order (little-endian):
 *
 * <pre>
 *   long id | long timestampMs | long originSequence | byte flags (1 = local)
 *   string topic | string type | string audience | string origin
 *   byte attributeCount | attributeCount x (string key, string value)
 *   int payloadLength | payload
 * </pre>
 *
 * where a string is a {@code short} UTF-8 length ({@code -1} for {@code null}) followed by its bytes. The file adds
 * the frame (length and CRC-32C, see {@link SegmentFormat}).
 *
 * <p>Thread-safety: {@link #length} and {@link #encode} keep scratch state (the last strings seen and their UTF-8
 * bytes, {@link Utf8Field}) and belong to one thread (the journal writer); {@link #decode} is static and thread-safe.
 */
final class RecordCodec
{
    /** Offset of the id in a body. */
    static final int ID_OFFSET = 0;
    private static final int FIXED = 8 + 8 + 8 + 1 + 1 + 4;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final AttributeWriter attributeWriter = new AttributeWriter();
    /** A view over the array being written, for the rare slow paths (attributes, strings too long to keep). */
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private final Utf8Field topic = new Utf8Field();
    private final Utf8Field type = new Utf8Field();
    private final Utf8Field audience = new Utf8Field();
    private final Utf8Field origin = new Utf8Field();
    /**
     * The four string fields of the last event whose strings were all kept ({@link Utf8Field}), as written: an event
     * with the same four string instances (the common case: one topic handle, one type, the node id) copies them in
     * one piece. Valid while {@link #blockLength} is positive.
     */
    private final byte[] block = new byte[4 * (2 + Utf8Field.MAX_CACHED_BYTES)];
    private int blockLength;
    /** {@link #length} found the same four strings as the block's. */
    private boolean sameStrings;

    /**
     * @return the encoded length of {@code event}'s body; prepares its string fields for {@link #encode} (which must
     *         follow for the same event). Allocates nothing.
     */
    int length(final Event event)
    {
        final Attributes attributes = event.attributes();
        final String t = event.topic();
        final String y = event.type();
        final String a = event.audience();
        final String o = event.origin();
        sameStrings = blockLength > 0 && topic.isLast(t) && type.isLast(y) && audience.isLast(a) && origin.isLast(o);
        int length = FIXED + event.payloadLength() + (sameStrings ? blockLength :
            topic.prepare(t) + type.prepare(y) + audience.prepare(a) + origin.prepare(o));
        if (!attributes.isEmpty())
        {
            attributeWriter.lengthOnly = true;
            attributeWriter.length = 0;
            attributes.forEach(attributeWriter);
            length += attributeWriter.length;
        }
        return length;
    }

    /**
     * Writes {@code event}'s body into {@code dst} at {@code index}; the caller called {@link #length} for it just
     * before and reserved that many bytes. Plain array stores (little-endian views, one range check each) and
     * {@code System.arraycopy}: this is several times cheaper than the same writes through a
     * bounds-checked direct buffer. Allocates nothing.
     */
    void encode(final Event event, final byte[] dst, final int index)
    {
        int i = index;
        LONG.set(dst, i, event.id());
        LONG.set(dst, i + 8, event.timestampMs());
        LONG.set(dst, i + 16, event.originSequence());
        dst[i + 24] = (byte)(event.isLocal() ? 1 : 0);
        i += 25;
        if (view.byteArray() != dst)
        {
            view.wrap(dst);
        }
        if (sameStrings)
        {
            System.arraycopy(block, 0, dst, i, blockLength);
            i += blockLength;
        }
        else
        {
            final int start = i;
            i = topic.put(dst, i, view);
            i = type.put(dst, i, view);
            i = audience.put(dst, i, view);
            i = origin.put(dst, i, view);
            final boolean kept = topic.isKept() && type.isKept() && audience.isKept() && origin.isKept();
            blockLength = kept ? i - start : 0;
            if (kept)
            {
                System.arraycopy(dst, start, block, 0, blockLength);
            }
        }
        final Attributes attributes = event.attributes();
        dst[i++] = (byte)attributes.size();
        if (!attributes.isEmpty())
        {
            attributeWriter.lengthOnly = false;
            attributeWriter.buffer = view;
            attributeWriter.index = i;
            attributes.forEach(attributeWriter);
            i = attributeWriter.index;
            attributeWriter.buffer = null;
        }
        INT.set(dst, i, event.payloadLength());
        event.copyPayload(dst, i + 4);
    }

    /**
     * Reads a body from {@code body}'s position to its limit.
     *
     * @return the event, as {@link io.ringcast.engine.EventLog#restore} builds it.
     * @throws IllegalArgumentException when the body is malformed (a checksum collision or a foreign file).
     */
    static Event decode(final ByteBuffer body)
    {
        final long id = body.getLong();
        final long timestampMs = body.getLong();
        final long originSequence = body.getLong();
        body.get(); // flags: a restored event is never local
        final String topic = getField(body);
        final String type = getField(body);
        final String audience = getField(body);
        final String origin = getField(body);
        final int attributeCount = body.get();
        Attributes attributes = Attributes.EMPTY;
        if (attributeCount > 0)
        {
            final String[] keyValues = new String[attributeCount * 2];
            for (int k = 0; k < keyValues.length; k++)
            {
                keyValues[k] = getField(body);
            }
            attributes = Attributes.of(keyValues);
        }
        final int payloadLength = body.getInt();
        if (payloadLength < 0 || payloadLength > body.remaining())
        {
            throw new IllegalArgumentException("payload length " + payloadLength + " exceeds the record");
        }
        final byte[] payload = new byte[payloadLength];
        body.get(payload);
        if (topic == null)
        {
            throw new IllegalArgumentException("record without a topic");
        }
        final Message message = Message.builder(topic)
            .type(type)
            .audience(audience)
            .attributes(attributes)
            .payload(payload)
            .build();
        return EventLog.restore(id, timestampMs, message, origin, originSequence);
    }

    /** @return the id of the body starting at {@code offset} of {@code body}. */
    static long id(final ByteBuffer body, final int offset)
    {
        return body.getLong(offset + ID_OFFSET);
    }

    /** @return the timestamp of the body starting at {@code offset} of {@code body}. */
    static long timestampMs(final ByteBuffer body, final int offset)
    {
        return body.getLong(offset + 8);
    }

    /** @return {@code true} when the record is an event published on this node (not relayed from another). */
    static boolean isLocal(final ByteBuffer body, final int offset)
    {
        return (body.get(offset + 24) & 1) != 0;
    }

    private static String getField(final ByteBuffer body)
    {
        final int length = body.getShort();
        if (length < 0)
        {
            return null;
        }
        if (length > body.remaining())
        {
            throw new IllegalArgumentException("string length " + length + " exceeds the record");
        }
        final String s = new String(body.array(), body.arrayOffset() + body.position(), length, StandardCharsets.UTF_8);
        body.position(body.position() + length);
        return s;
    }

    /** A reusable visitor: measures or writes attribute pairs without a capturing lambda. */
    private static final class AttributeWriter implements BiConsumer<String, String>
    {
        boolean lengthOnly;
        int length;
        MutableDirectBuffer buffer;
        int index;

        @Override
        public void accept(final String key, final String value)
        {
            if (lengthOnly)
            {
                length += Utf8.fieldLength(key) + Utf8.fieldLength(value);
            }
            else
            {
                index = Utf8.putField(value, buffer, Utf8.putField(key, buffer, index));
            }
        }
    }
}
