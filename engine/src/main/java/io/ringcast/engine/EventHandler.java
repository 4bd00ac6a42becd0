package io.ringcast.engine;

/** Receives events drained from a {@link Subscription}, on the draining thread. */
@FunctionalInterface
public interface EventHandler
{
    /** @param event the next event, in the subscription's delivery order. */
    void onEvent(Event event);
}
