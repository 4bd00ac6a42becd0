package io.ringcast.journal;

import org.agrona.MutableDirectBuffer;

/** UTF-8 length and encoding of strings straight into a buffer, without allocating. Stateless, thread-safe. */
final class Utf8
{
    private Utf8()
    {
    }

    /** @return bytes {@link #putField} writes for {@code s}: a 2-byte length plus its UTF-8 bytes. */
    static int fieldLength(final String s)
    {
        return s == null ? 2 : 2 + length(s);
    }

    /** Writes a {@code short} length ({@code -1} for {@code null}) and the UTF-8 bytes; returns the next index. */
    static int putField(final String s, final MutableDirectBuffer buffer, final int index)
    {
        if (s == null)
        {
            buffer.putShort(index, (short)-1);
            return index + 2;
        }
        int i = index + 2;
        for (int c = 0, n = s.length(); c < n; c++)
        {
            final char ch = s.charAt(c);
            if (ch < 0x80)
            {
                buffer.putByte(i++, (byte)ch);
            }
            else if (ch < 0x800)
            {
                buffer.putByte(i++, (byte)(0xC0 | (ch >> 6)));
                buffer.putByte(i++, (byte)(0x80 | (ch & 0x3F)));
            }
            else if (Character.isHighSurrogate(ch) && c + 1 < n && Character.isLowSurrogate(s.charAt(c + 1)))
            {
                final int cp = Character.toCodePoint(ch, s.charAt(++c));
                buffer.putByte(i++, (byte)(0xF0 | (cp >> 18)));
                buffer.putByte(i++, (byte)(0x80 | ((cp >> 12) & 0x3F)));
                buffer.putByte(i++, (byte)(0x80 | ((cp >> 6) & 0x3F)));
                buffer.putByte(i++, (byte)(0x80 | (cp & 0x3F)));
            }
            else
            {
                final char out = Character.isSurrogate(ch) ? '?' : ch; // a lone surrogate, as String.getBytes does
                if (out < 0x80)
                {
                    buffer.putByte(i++, (byte)out);
                }
                else
                {
                    buffer.putByte(i++, (byte)(0xE0 | (out >> 12)));
                    buffer.putByte(i++, (byte)(0x80 | ((out >> 6) & 0x3F)));
                    buffer.putByte(i++, (byte)(0x80 | (out & 0x3F)));
                }
            }
        }
        buffer.putShort(index, (short)(i - index - 2));
        return i;
    }

    /**
     * Encodes {@code s} as UTF-8 (a lone surrogate as {@code '?'}, as {@link #putField}) into {@code dst}.
     *
     * @return the number of bytes, or -1 when they do not fit in {@code dst} (then its content is undefined).
     */
    static int encode(final String s, final byte[] dst)
    {
        final int n = s.length();
        final int max = dst.length;
        int i = 0;
        for (int c = 0; c < n; c++)
        {
            final char ch = s.charAt(c);
            if (ch < 0x80)
            {
                if (i >= max)
                {
                    return -1;
                }
                dst[i++] = (byte)ch;
            }
            else if (ch < 0x800)
            {
                if (i + 2 > max)
                {
                    return -1;
                }
                dst[i++] = (byte)(0xC0 | (ch >> 6));
                dst[i++] = (byte)(0x80 | (ch & 0x3F));
            }
            else if (Character.isHighSurrogate(ch) && c + 1 < n && Character.isLowSurrogate(s.charAt(c + 1)))
            {
                if (i + 4 > max)
                {
                    return -1;
                }
                final int cp = Character.toCodePoint(ch, s.charAt(++c));
                dst[i++] = (byte)(0xF0 | (cp >> 18));
                dst[i++] = (byte)(0x80 | ((cp >> 12) & 0x3F));
                dst[i++] = (byte)(0x80 | ((cp >> 6) & 0x3F));
                dst[i++] = (byte)(0x80 | (cp & 0x3F));
            }
            else if (Character.isSurrogate(ch))
            {
                if (i >= max)
                {
                    return -1;
                }
                dst[i++] = (byte)'?';
            }
            else
            {
                if (i + 3 > max)
                {
                    return -1;
                }
                dst[i++] = (byte)(0xE0 | (ch >> 12));
                dst[i++] = (byte)(0x80 | ((ch >> 6) & 0x3F));
                dst[i++] = (byte)(0x80 | (ch & 0x3F));
            }
        }
        return i;
    }

    private static int length(final String s)
    {
        int bytes = 0;
        for (int c = 0, n = s.length(); c < n; c++)
        {
            final char ch = s.charAt(c);
            if (ch < 0x80)
            {
                bytes++;
            }
            else if (ch < 0x800)
            {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(ch) && c + 1 < n && Character.isLowSurrogate(s.charAt(c + 1)))
            {
                bytes += 4;
                c++;
            }
            else
            {
                bytes += Character.isSurrogate(ch) ? 1 : 3;
            }
        }
        return bytes;
    }
}
