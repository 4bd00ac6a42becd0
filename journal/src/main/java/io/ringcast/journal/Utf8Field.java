package io.ringcast.journal;

import org.agrona.MutableDirectBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One string field of a record, encoded once per distinct string: the last string seen (compared by reference) and
 * its UTF-8 bytes in a preallocated scratch array. An engine's events mostly repeat the same string instances (the
 * node id as origin, the type, the topic of a {@link io.ringcast.engine.Topic} handle or of a reused message), so the
 * writer then copies a few bytes instead of scanning characters twice per event. A string longer than the scratch
 * array is encoded straight into the buffer each time. Allocates nothing.
 *
 * <p>Thread-safety: belongs to one thread (the journal writer).
 */
final class Utf8Field
{
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    /** Strings up to this many UTF-8 bytes are kept. */
    static final int MAX_CACHED_BYTES = 128;

    private final byte[] bytes = new byte[MAX_CACHED_BYTES];
    private String last;
    /** UTF-8 length of {@link #last}; -1 when it is longer than the scratch array. */
    private int length;

    /**
     * Makes {@code s} the current string (encoding it if it is not the last one).
     *
     * @return the bytes {@link #put} will write: a 2-byte length plus the UTF-8 bytes.
     */
    int prepare(final String s)
    {
        if (s == null)
        {
            last = null;
            return 2;
        }
        if (s != last)
        {
            last = s;
            length = Utf8.encode(s, bytes);
        }
        return 2 + (length >= 0 ? length : Utf8.fieldLength(s) - 2);
    }

    /** @return whether {@code s} is the string last {@link #prepare}d (the same instance, or both {@code null}). */
    boolean isLast(final String s)
    {
        return s == last;
    }

    /** @return whether the string last {@link #prepare}d is kept in the scratch array (or is {@code null}). */
    boolean isKept()
    {
        return last == null || length >= 0;
    }

    /**
     * Writes the string last {@link #prepare}d into {@code dst} at {@code index}; {@code view} wraps {@code dst} (for a
     * string too long to keep). Returns the next index.
     */
    int put(final byte[] dst, final int index, final MutableDirectBuffer view)
    {
        final String s = last;
        if (s == null)
        {
            SHORT.set(dst, index, (short)-1);
            return index + 2;
        }
        if (length < 0)
        {
            return Utf8.putField(s, view, index);
        }
        SHORT.set(dst, index, (short)length);
        System.arraycopy(bytes, 0, dst, index + 2, length);
        return index + 2 + length;
    }
}
