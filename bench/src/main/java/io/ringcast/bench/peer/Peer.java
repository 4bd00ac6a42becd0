package io.ringcast.bench.peer;

/**
 * One fan-out implementation behind the common benchmark harness. The harness owns the publisher thread(s) and, unless
 * {@link #ownsConsumerThread()}, one consumer thread that calls {@link #drainRound} in a loop.
 *
 * <p>Thread-safety: {@link #start} and {@link #close} on the benchmark thread; {@link #offer} on the publisher
 * thread(s) ({@link Workload#producers()} of them, concurrently); {@link #drainRound} on the single consumer thread;
 * {@link #drops()} from any thread.
 */
public interface Peer extends AutoCloseable
{
    /** Builds the subscribers and the preallocated event tokens and starts the peer's own threads, if any. */
    void start(Workload workload, Sink sink);

    /**
     * Publishes the preallocated event {@code (topic, stamp)} without blocking.
     *
     * @return {@code false} when the peer refused it at the door (ring full); the harness counts it as lost.
     */
    boolean offer(int topic, int stamp);

    /**
     * Consumer thread: one round-robin pass over every subscriber queue, taking at most {@code batch} events from
     * each, handing them to the sink.
     *
     * @return events taken.
     */
    int drainRound(int batch);

    /** @return {@code true} when the peer delivers on a consumer thread of its own (no {@link #drainRound}). */
    default boolean ownsConsumerThread()
    {
        return false;
    }

    /** @return events or deliveries the peer itself counted as dropped (its own accounting, for cross-checks). */
    long drops();

    /** @return a one-line description of how the peer is configured, for reports. */
    String describe();

    @Override
    void close();
}
