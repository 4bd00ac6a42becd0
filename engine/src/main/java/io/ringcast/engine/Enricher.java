package io.ringcast.engine;

/**
 * A ring stage that may rewrite an event's routing attributes before history and dispatch. Runs on the dispatcher
 * thread, in ring order, once per event; it must not block. Implementations own their state single-threadedly.
 */
@FunctionalInterface
public interface Enricher
{
    /**
     * @param event the event, not yet visible to any subscriber.
     * @return the attributes the event should carry: {@code event.attributes()} to leave it unchanged.
     */
    Attributes enrich(Event event);
}
