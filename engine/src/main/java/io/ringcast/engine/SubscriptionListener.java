package io.ringcast.engine;

/**
 * Callbacks from the engine to a subscription's consumer. Both are invoked on engine threads (usually the dispatcher)
 * and must return quickly without blocking: schedule work elsewhere (for example on a Netty event loop) and return.
 */
public interface SubscriptionListener
{
    /**
     * The dispatcher registered the subscription: every event dispatched from now on is matched against it, and
     * events published before (from any thread) that it is owed come from its resume replay. Called once, on the
     * dispatcher thread, before any {@link #onAvailable()}; never called when the subscription was closed first.
     * A transport answers a stream request from here so that a client holding the answer misses nothing published
     * after it.
     *
     * @param outcome the resume outcome so far: {@link ResumeOutcome#PENDING} while a durable log replay runs.
     */
    default void onRegistered(final ResumeOutcome outcome)
    {
    }

    /**
     * A resume outcome reported as {@link ResumeOutcome#PENDING} to {@link #onRegistered} is now final (the durable
     * log's replay is ready): {@link ResumeOutcome#EXACT} or {@link ResumeOutcome#GAP}. Called once, on the replay's
     * thread, after {@link Subscription#resumeOutcome()} holds the same value and before the {@link #onAvailable()}
     * that announces the replayed events; never called for an outcome that was final at registration.
     *
     * @param outcome the final outcome.
     */
    default void onResumeOutcome(final ResumeOutcome outcome)
    {
    }

    /**
     * The subscription went from nothing to drain to something to drain. Called once per such transition, not once
     * per event: after it, no further call comes until a {@link Subscription#drain} call has returned fewer events
     * than its limit.
     */
    default void onAvailable()
    {
    }

    /**
     * The subscription was closed. Events still queued can be drained afterwards.
     *
     * @param reason why.
     */
    default void onClosed(final CloseReason reason)
    {
    }
}
