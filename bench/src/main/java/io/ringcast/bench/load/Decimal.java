package io.ringcast.bench.load;

/**
 * Writes a non-negative {@code long} as ASCII decimal digits into a byte array, without a string.
 * Stateless; any thread.
 */
final class Decimal
{
    private Decimal()
    {
    }

    /**
     * @param value non-negative.
     * @param into  room for up to 19 digits from {@code at}.
     * @return the index after the last digit written.
     */
    static int write(final long value, final byte[] into, final int at)
    {
        if (value < 0)
        {
            throw new IllegalArgumentException("negative: " + value);
        }
        int digits = 1;
        for (long v = value / 10; v != 0; v /= 10)
        {
            digits++;
        }
        long v = value;
        for (int i = at + digits - 1; i >= at; i--)
        {
            into[i] = (byte)('0' + v % 10);
            v /= 10;
        }
        return at + digits;
    }
}
