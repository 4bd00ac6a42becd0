package io.ringcast.bench.report;

import java.util.Arrays;

/** Median, range and mean of per-iteration values. Stateless. */
final class Stats
{
    private Stats()
    {
    }

    static double mean(final double[] v)
    {
        if (v == null || v.length == 0)
        {
            return Double.NaN;
        }
        double sum = 0;
        for (final double x : v)
        {
            sum += x;
        }
        return sum / v.length;
    }

    /** @return the middle value (the mean of the two middle ones for an even count), NaN for none. */
    static double median(final double[] v)
    {
        if (v == null || v.length == 0)
        {
            return Double.NaN;
        }
        final double[] sorted = v.clone();
        Arrays.sort(sorted);
        final int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /** @return the smallest value, NaN for none. */
    static double min(final double[] v)
    {
        return v == null || v.length == 0 ? Double.NaN : Arrays.stream(v).min().getAsDouble();
    }

    /** @return the largest value, NaN for none. */
    static double max(final double[] v)
    {
        return v == null || v.length == 0 ? Double.NaN : Arrays.stream(v).max().getAsDouble();
    }

    /** @return element-wise a / b, or {@code null} when the lengths differ or either is missing. */
    static double[] divide(final double[] a, final double[] b)
    {
        if (a == null || b == null || a.length != b.length)
        {
            return null;
        }
        final double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++)
        {
            r[i] = a[i] / b[i];
        }
        return r;
    }
}
