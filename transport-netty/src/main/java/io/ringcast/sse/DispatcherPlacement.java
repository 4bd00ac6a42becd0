package io.ringcast.sse;

/** Where the engine's dispatcher runs: see {@link ServerConfig#dispatcher(DispatcherPlacement)}. */
public enum DispatcherPlacement
{
    /** On the event loop when the server has exactly one, else on the engine's own thread (the default). */
    AUTO,
    /** On one of the server's event loops ({@link LoopDispatchDriver}). */
    LOOP,
    /** On the engine's own {@code ringcast-dispatcher} thread. */
    THREAD
}
