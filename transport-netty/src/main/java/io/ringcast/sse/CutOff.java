package io.ringcast.sse;

import java.util.Locale;

/** The bound a slow client hit: why its stream was cut off, or why its events were dropped. */
enum CutOff
{
    /** The engine's per-stream event queue overflowed. */
    QUEUE,
    /** The stream's unwritten bytes reached {@link ServerConfig#streamBufferBytes()}. */
    STREAM_BUDGET,
    /** All streams' unwritten bytes reached {@link ServerConfig#pendingBytesBudget()} while this one was behind. */
    GLOBAL_BUDGET,
    /** Written bytes did not reach the socket within {@link ServerConfig#writeTimeoutMs()}. */
    WRITE_TIMEOUT;

    /** @return the label value in {@code /metrics}: {@code queue}, {@code stream_budget}, ... */
    String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
