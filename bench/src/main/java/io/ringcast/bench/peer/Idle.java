package io.ringcast.bench.peer;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * The one waiting policy every benchmark thread uses when it has nothing to do (the consumer thread, and the dispatch
 * thread of every peer whose waiting we control): spin {@value #SPINS} times with {@link Thread#onSpinWait()}, then
 * {@link Thread#yield()} {@value #YIELDS} times, then park for 1 µs doubling up to {@value #MAX_PARK_NS} ns. No thread
 * busy-spins indefinitely: on 2 cores that would starve the others.
 *
 * <p>Peers that wait in their own way say so: Ringcast's dispatcher uses the engine's {@code BLOCKING} strategy
 * (spin, yield, then park until a publisher unparks it), the JDK SubmissionPublisher's consumer task is resubmitted to
 * its executor (a blocking queue), and Reactor's direct sink has no thread of its own.
 */
public final class Idle
{
    public static final int SPINS = 100;
    public static final int YIELDS = 100;
    public static final long MIN_PARK_NS = 1_000;
    public static final long MAX_PARK_NS = 100_000;

    private Idle()
    {
    }

    /** @return a fresh strategy; each waiting thread owns its own (they are stateful and not thread-safe). */
    public static IdleStrategy strategy()
    {
        return new BackoffIdleStrategy(SPINS, YIELDS, MIN_PARK_NS, MAX_PARK_NS);
    }

    /** @return a description for reports. */
    public static String describe()
    {
        return "spin " + SPINS + " x onSpinWait, yield " + YIELDS + " x, then park 1 us doubling to " +
            (MAX_PARK_NS / 1000) + " us";
    }
}
