package io.ringcast.engine;

/** Whether many threads may publish concurrently. */
public enum ProducerMode
{
    /** Default: publish from any number of threads. */
    MULTI,
    /**
     * The embedder guarantees that one thread at a time publishes (all {@code publish*} methods, including
     * relayed ones). Cheaper claims; concurrent publishing corrupts the ring. Subscribing from other threads is fine.
     */
    SINGLE
}
