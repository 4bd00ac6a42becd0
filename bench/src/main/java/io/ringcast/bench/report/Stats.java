package io.ringcast.bench.report;

/** Mean and JMH-style 99.9 % confidence half-width of per-iteration values. Stateless. */
final class Stats
{
    /** Student's t at 0.9995 for 1..30 degrees of freedom; 3.291 beyond. */
    private static final double[] T_999 = {
        636.619, 31.599, 12.924, 8.610, 6.869, 5.959, 5.408, 5.041, 4.781, 4.587,
        4.437, 4.318, 4.221, 4.140, 4.073, 4.015, 3.965, 3.922, 3.883, 3.850,
        3.819, 3.792, 3.768, 3.745, 3.725, 3.707, 3.690, 3.674, 3.659, 3.646};

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

    /** @return the 99.9 % confidence half-width, NaN with fewer than two values. */
    static double error999(final double[] v)
    {
        if (v == null || v.length < 2)
        {
            return Double.NaN;
        }
        final double m = mean(v);
        double ss = 0;
        for (final double x : v)
        {
            ss += (x - m) * (x - m);
        }
        final double sd = Math.sqrt(ss / (v.length - 1));
        final int df = v.length - 1;
        final double t = df <= T_999.length ? T_999[df - 1] : 3.291;
        return t * sd / Math.sqrt(v.length);
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
