package io.ringcast.engine;

/**
 * One preallocated ring entry. A publisher fills it between claim and publish; the dispatcher reads it and clears the
 * message reference so the ring does not keep payloads alive. Ordering comes from the Disruptor's sequence
 * publication; the fields themselves are plain.
 */
final class Slot
{
    Message message;
    long timestampMs;
    String origin;
    long originSequence;
    boolean relayed;

    void set(final Message message, final long timestampMs)
    {
        this.message = message;
        this.timestampMs = timestampMs;
        this.origin = null;
        this.originSequence = 0;
        this.relayed = false;
    }

    void setRelayed(final Message message, final long timestampMs, final String origin, final long originSequence)
    {
        this.message = message;
        this.timestampMs = timestampMs;
        this.origin = origin;
        this.originSequence = originSequence;
        this.relayed = true;
    }
}
