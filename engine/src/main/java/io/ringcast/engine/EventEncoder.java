package io.ringcast.engine;

/**
 * Encodes each event once, on the dispatcher thread, before any subscriber sees it; the result is shared by every
 * subscription through {@link Event#encoded()}. A transport uses this to build its wire frame once per event rather
 * than once per subscriber. Must not block; exceptions are counted and the event is dispatched unencoded.
 */
@FunctionalInterface
public interface EventEncoder
{
    /**
     * @param event the enriched event.
     * @return the encoded form, for example a byte array holding an SSE frame.
     */
    Object encode(Event event);
}
