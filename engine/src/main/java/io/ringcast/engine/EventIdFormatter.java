package io.ringcast.engine;

/**
 * Gives each event its printable id ({@link Event#idString()}, the SSE {@code id:}) in place of the decimal
 * {@linkplain Event#id() local id}, once per event. A replication uses it to stamp every event with a position that
 * any replica can resume from (for example a per-origin high-water vector).
 *
 * <p>Contract: called only on the dispatcher thread, once per event in ring order, after the {@link Enricher}s and
 * before the {@link EventEncoder} (so the shared encoded frame carries the formatted id). It must not block. It may
 * keep state across calls (it sees every event in dispatch order) and may allocate the one string it returns. The
 * string must be 1 to {@value #MAX_LENGTH} printable ASCII characters (0x21..0x7e, so no space, CR or LF); a
 * {@code null} result keeps the default id. When it throws, or returns an invalid string, the failure goes to the
 * engine's {@link ErrorHandler} (counted in {@link EngineMetrics#errors()}) and the event keeps its default id.
 */
@FunctionalInterface
public interface EventIdFormatter
{
    /** Longest id accepted, in characters. */
    int MAX_LENGTH = 4096;

    /**
     * @param event the enriched event, not yet encoded; its {@link Event#idString()} is still the default id.
     * @return the printable id, or {@code null} for the default id.
     */
    String format(Event event);
}
