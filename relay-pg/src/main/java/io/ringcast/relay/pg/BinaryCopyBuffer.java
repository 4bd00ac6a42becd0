package io.ringcast.relay.pg;

import java.util.Arrays;

/**
 * A reusable byte buffer that writes PostgreSQL's binary {@code COPY} format (signature, flags, header extension,
 * tuples of length-prefixed big-endian fields, trailer). Strings are written as UTF-8 straight from their chars, so
 * encoding a row allocates nothing; the array grows only when a row does not fit and is kept for the next batch.
 *
 * <p>Not thread-safe: owned by the writer thread.
 */
final class BinaryCopyBuffer
{
    /** {@code PGCOPY\n\377\r\n\0}. */
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte)0xFF, '\r', '\n', 0};

    private byte[] bytes;
    private int length;

    BinaryCopyBuffer(final int initialCapacity)
    {
        bytes = new byte[Math.max(64, initialCapacity)];
    }

    /** Forgets the content, keeps the array. */
    void clear()
    {
        length = 0;
    }

    byte[] array()
    {
        return bytes;
    }

    int length()
    {
        return length;
    }

    /** File header: signature, flags 0 (no OIDs), header extension length 0. */
    void header()
    {
        ensure(SIGNATURE.length + 8);
        System.arraycopy(SIGNATURE, 0, bytes, length, SIGNATURE.length);
        length += SIGNATURE.length;
        putInt(0);
        putInt(0);
    }

    /** File trailer: a field count of -1. */
    void trailer()
    {
        ensure(2);
        putShort(-1);
    }

    void startTuple(final int fields)
    {
        ensure(2);
        putShort(fields);
    }

    /** A {@code bigint} field. */
    void int8(final long value)
    {
        ensure(12);
        putInt(8);
        bytes[length++] = (byte)(value >>> 56);
        bytes[length++] = (byte)(value >>> 48);
        bytes[length++] = (byte)(value >>> 40);
        bytes[length++] = (byte)(value >>> 32);
        bytes[length++] = (byte)(value >>> 24);
        bytes[length++] = (byte)(value >>> 16);
        bytes[length++] = (byte)(value >>> 8);
        bytes[length++] = (byte)value;
    }

    /** A NULL field. */
    void nullField()
    {
        ensure(4);
        putInt(-1);
    }

    /** A {@code text} field in UTF-8 (the connection's client encoding), or NULL. */
    void text(final String value)
    {
        if (value == null)
        {
            nullField();
            return;
        }
        final int n = value.length();
        ensure(4 + 3 * n);
        final int lengthAt = length;
        length += 4;
        for (int i = 0; i < n; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                bytes[length++] = (byte)c;
            }
            else if (c < 0x800)
            {
                bytes[length++] = (byte)(0xC0 | c >> 6);
                bytes[length++] = (byte)(0x80 | c & 0x3F);
            }
            else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                final int cp = Character.toCodePoint(c, value.charAt(++i));
                bytes[length++] = (byte)(0xF0 | cp >> 18);
                bytes[length++] = (byte)(0x80 | cp >> 12 & 0x3F);
                bytes[length++] = (byte)(0x80 | cp >> 6 & 0x3F);
                bytes[length++] = (byte)(0x80 | cp & 0x3F);
            }
            else if (Character.isSurrogate(c))
            {
                bytes[length++] = '?'; // unpaired surrogate: what String.getBytes(UTF_8) writes
            }
            else
            {
                bytes[length++] = (byte)(0xE0 | c >> 12);
                bytes[length++] = (byte)(0x80 | c >> 6 & 0x3F);
                bytes[length++] = (byte)(0x80 | c & 0x3F);
            }
        }
        final int size = length - lengthAt - 4;
        bytes[lengthAt] = (byte)(size >>> 24);
        bytes[lengthAt + 1] = (byte)(size >>> 16);
        bytes[lengthAt + 2] = (byte)(size >>> 8);
        bytes[lengthAt + 3] = (byte)size;
    }

    /** A {@code text} field whose UTF-8 bytes are already known. */
    void textUtf8(final byte[] utf8)
    {
        bytea(utf8);
    }

    /** A {@code bytea} field: the raw bytes. */
    void bytea(final byte[] value)
    {
        ensure(4 + value.length);
        putInt(value.length);
        System.arraycopy(value, 0, bytes, length, value.length);
        length += value.length;
    }

    /** Only the 4-byte length of a field whose bytes the caller sends separately. */
    void fieldLength(final int size)
    {
        ensure(4);
        putInt(size);
    }

    private void putShort(final int v)
    {
        bytes[length++] = (byte)(v >>> 8);
        bytes[length++] = (byte)v;
    }

    private void putInt(final int v)
    {
        bytes[length++] = (byte)(v >>> 24);
        bytes[length++] = (byte)(v >>> 16);
        bytes[length++] = (byte)(v >>> 8);
        bytes[length++] = (byte)v;
    }

    private void ensure(final int more)
    {
        final long needed = (long)length + more;
        if (needed > bytes.length)
        {
            if (needed > Integer.MAX_VALUE - 8)
            {
                throw new IllegalStateException("COPY buffer would exceed 2 GiB");
            }
            bytes = Arrays.copyOf(bytes, (int)Math.max(needed, Math.min(Integer.MAX_VALUE - 8, 2L * bytes.length)));
        }
    }
}
