package io.ringcast.sse;

/**
 * Strict UTF-8 validation (RFC 3629): refuses overlong forms ({@code C0 AF}), encoded surrogates ({@code ED A0 80}),
 * code points above U+10FFFF ({@code F4 90 80 80}), stray continuation bytes and truncated sequences. Allocates
 * nothing. Stateless and thread-safe.
 */
final class Utf8
{
    private Utf8()
    {
    }

    /** @return the index of the first byte of the first invalid sequence in {@code [offset, end)}, or -1. */
    static int firstInvalid(final byte[] bytes, final int offset, final int end)
    {
        int i = offset;
        while (i < end)
        {
            final int b = bytes[i] & 0xFF;
            if (b < 0x80)
            {
                i++;
                continue;
            }
            final int length;
            int min = 0x80;
            int max = 0xBF;
            if (b >= 0xC2 && b <= 0xDF)
            {
                length = 2;
            }
            else if (b >= 0xE0 && b <= 0xEF)
            {
                length = 3;
                if (b == 0xE0)
                {
                    min = 0xA0; // overlong below U+0800
                }
                else if (b == 0xED)
                {
                    max = 0x9F; // U+D800..U+DFFF are surrogates
                }
            }
            else if (b >= 0xF0 && b <= 0xF4)
            {
                length = 4;
                if (b == 0xF0)
                {
                    min = 0x90; // overlong below U+10000
                }
                else if (b == 0xF4)
                {
                    max = 0x8F; // above U+10FFFF
                }
            }
            else
            {
                return i; // continuation byte without a lead, C0/C1 (overlong) or F5..FF
            }
            if (i + length > end)
            {
                return i;
            }
            final int second = bytes[i + 1] & 0xFF;
            if (second < min || second > max)
            {
                return i;
            }
            for (int k = 2; k < length; k++)
            {
                final int c = bytes[i + k] & 0xFF;
                if (c < 0x80 || c > 0xBF)
                {
                    return i;
                }
            }
            i += length;
        }
        return -1;
    }
}
