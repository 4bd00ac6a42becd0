package io.ringcast.bench.load;

import java.util.SplittableRandom;

/**
 * A host-speed probe that the CPU loop of {@code bench/sse-peers.sh} cannot replace: a walk of dependent loads through
 * a 64 MB random cycle, so every step is a cache miss to memory. A host whose cores run at full speed but whose memory
 * or last-level cache is shared with a busy neighbour shows it here and not in an arithmetic loop (on the 2-vCPU VM of
 * the SSE tables, the same server did the same work with 60 % of a core in one run and 79 % in the next, with the CPU
 * loop equally fast before both).
 *
 * <p>Prints the walk's time in milliseconds (the permutation's set-up is not timed). Usage:
 * {@code java -cp benchmarks.jar io.ringcast.bench.load.MemoryWalk [steps]} (default 4,000,000).
 *
 * <p>Thread-safety: a command-line program; one thread.
 */
public final class MemoryWalk
{
    /** Steps of a default walk: about 0.5 s on the 2-vCPU VM of the tables when its memory is quiet. */
    public static final int DEFAULT_STEPS = 4_000_000;
    private static final int SLOTS = 16 * 1024 * 1024;

    private MemoryWalk()
    {
    }

    public static void main(final String[] args)
    {
        System.out.println(timeMs(args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_STEPS));
    }

    /**
     * Builds the 64 MB cycle (not timed), warms it with a quarter of the steps, then times {@code steps} dependent
     * loads. The array is garbage when this returns: a caller that measures next should collect it first.
     *
     * @return the walk's time in milliseconds.
     */
    public static long timeMs(final int steps)
    {
        final int[] next = cycle(SLOTS, new SplittableRandom(42));
        walk(next, steps / 4); // warm the code and the page tables
        final long start = System.nanoTime();
        final int end = walk(next, steps);
        final long ms = (System.nanoTime() - start) / 1_000_000;
        return end == -1 ? -1 : ms; // the end index keeps the walk from being optimised away
    }

    /** @return a single random cycle through all {@code n} slots (Sattolo's algorithm). */
    private static int[] cycle(final int n, final SplittableRandom random)
    {
        final int[] next = new int[n];
        for (int i = 0; i < n; i++)
        {
            next[i] = i;
        }
        for (int i = n - 1; i > 0; i--)
        {
            final int j = random.nextInt(i);
            final int t = next[i];
            next[i] = next[j];
            next[j] = t;
        }
        return next;
    }

    private static int walk(final int[] next, final int steps)
    {
        int at = 0;
        for (int i = 0; i < steps; i++)
        {
            at = next[at];
        }
        return at;
    }
}
