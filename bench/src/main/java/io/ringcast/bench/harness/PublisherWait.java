package io.ringcast.bench.harness;

/** How a fixed-rate publisher waits for its next event's intended send time (see {@link Rig}). */
public enum PublisherWait
{
    /** {@code LockSupport.parkNanos} until the send time: events leave in small bursts (the timer slack, ~50 µs). */
    PARK,
    /** {@code Thread.yield()} until the send time: events leave one by one; the core goes to any other runnable thread. */
    YIELD
}
