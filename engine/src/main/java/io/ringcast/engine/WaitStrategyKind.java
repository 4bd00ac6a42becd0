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
    /**
     * Like {@link #BLOCKING} without the yields (spin briefly, then park; yield instead for 1 ms after a publisher
     * handed the dispatch back, so a publisher going flat out leaves it to the thread), and a publish that finds the
     * dispatcher parked runs the dispatch itself, on the publishing thread, instead of waking the dispatcher's thread:
     * no wake-up and no third busy thread while events come far enough apart, the dispatcher's own thread as soon as
     * they do not. A publisher hands the dispatch back to that thread when publishers have spent half of the current
     * 100 µs window dispatching (flat out, the thread overlaps dispatching with publishing), when another publisher's
     * claimed slot is not yet published, when a subscription command arrives while it dispatches, and when the engine
     * closes.
     *
     * <p>What it changes for the application: a {@code tryPublish} that dispatches returns after the event was
     * matched and offered to every subscription (about a microsecond at 16 subscribers), and listener callbacks,
     * enrichers and stages then run on the publishing thread (see {@link SubscriptionListener}). For publishers whose
     * own latency matters more than the delivery's, keep {@link #BLOCKING}.
     */
    PUBLISHER_ASSISTED,
    /** Spin, then {@link Thread#yield()} in a loop: lower latency, but holds a core while idle. */
    YIELDING,
    /** Spin with {@link Thread#onSpinWait()}: lowest latency; needs a dedicated core, starves small machines. */
    BUSY_SPIN
}
