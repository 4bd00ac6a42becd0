package io.ringcast.engine;

/**
 * Receives failures that the engine survives: a throwing enricher, encoder, stage, listener or event log. Called on
 * the thread where the failure happened (usually the dispatcher); must not block or throw.
 */
@FunctionalInterface
public interface ErrorHandler
{
    /**
     * @param where a short name of the component that failed, for example {@code "enricher"}.
     * @param error the failure.
     */
    void onError(String where, Throwable error);
}
