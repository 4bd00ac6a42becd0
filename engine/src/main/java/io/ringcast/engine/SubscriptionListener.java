package io.ringcast.engine;

/**
 * Callbacks from the engine to a subscription's consumer. Both are invoked on engine threads (usually the dispatcher)
 * and must return quickly without blocking: schedule work elsewhere (for example on a Netty event loop) and return.
 */
public interface SubscriptionListener
{
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
