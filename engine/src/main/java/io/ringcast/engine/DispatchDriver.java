package io.ringcast.engine;

/**
 * Runs the engine's dispatcher on a thread the application already owns (typically a network event loop) instead of
 * the engine's own {@code ringcast-dispatcher} thread. Set with {@link EngineConfig#dispatchDriver}.
 *
 * <p>The engine calls {@link #wakeup()} when the dispatcher has work: an event was published, a subscription command
 * was queued, or {@link Engine#close()} began. The driver then calls {@link Engine#dispatch()} on its thread, again
 * while that returns {@code true}, and also every {@linkplain EngineConfig#housekeepingIntervalMs() housekeeping
 * interval} (abandoned-handle sweeps, slow-consumer timeouts) even when it was not woken.
 *
 * <p>Why: with a dedicated thread every publish from an event loop is a hand-off to another thread (a park/unpark
 * pair and a cross-core wake-up), and on a small machine that thread competes with the event loops for the cores.
 * Driven from the event loop that receives the publishes, the dispatch runs right after the publish, on the same
 * core, with no wake-up at all. The price: the dispatch work (matching, history, queue offers) runs on that loop, so
 * a machine with several busy event loops is better served by the dedicated thread (the default).
 *
 * <p>Thread-safety: {@link #wakeup()} may be called from any thread, including the driver thread itself and from
 * inside {@link Engine#dispatch()}; it must not block and must not call into the engine. The engine calls it at most
 * once per idle period: after a wake-up it calls it again only once {@code dispatch()} has returned {@code false}.
 */
@FunctionalInterface
public interface DispatchDriver
{
    /** Arranges for {@link Engine#dispatch()} to be called soon on the driver thread. Must not block. */
    void wakeup();
}
