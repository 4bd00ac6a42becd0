package io.ringcast.engine;

/**
 * How the dispatcher waits for events. Every kind also wakes for subscription commands.
 */
public enum WaitStrategyKind
{
    /**
     * Default. Spin briefly, yield a few times, then park; a publisher pays for a wake-up (one unpark) only when
     * the dispatcher is parked. After two parks in a row that each outlasted the yields (events come in bursts
     * further apart than about 20 µs), the yields are skipped until a park ends sooner. Behaves on small machines: an idle
     * engine uses no CPU.
     */
    BLOCKING,
    /** Spin, then {@link Thread#yield()} in a loop: lower latency, but holds a core while idle. */
    YIELDING,
    /** Spin with {@link Thread#onSpinWait()}: lowest latency; needs a dedicated core, starves small machines. */
    BUSY_SPIN
}
