package io.ringcast.engine;

/** How a subscription's resume request was served; see {@link Subscription#resumeOutcome()}. */
public enum ResumeOutcome
{
    /** Not yet known: the dispatcher has not registered the subscription yet. */
    PENDING,
    /** No resume was requested: the subscription receives live events only. */
    NONE,
    /** Every matching event after the requested id is delivered, then live events, with no gap and no duplicate. */
    EXACT,
    /**
     * The requested id is older than any retained history, or unknown to this node: events may have been missed.
     * Delivery starts at the oldest retained event. Transports turn this into a reset signal.
     */
    GAP
}
