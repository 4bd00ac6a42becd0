package io.ringcast.sse;

import java.util.concurrent.atomic.LongAdder;

/**
 * The server's own counters, beside the engine's. Updated from any event loop and read by {@code /metrics}; each
 * counter is a {@link LongAdder}, so writers do not contend and a set of reads is not an atomic snapshot.
 */
final class ServerMetrics
{
    final LongAdder openConnections = new LongAdder();
    final LongAdder connectionsRejected = new LongAdder();
    final LongAdder openStreams = new LongAdder();
    final LongAdder streamsOpened = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();
    final LongAdder framesWritten = new LongAdder();
    final LongAdder flushes = new LongAdder();
    final LongAdder heartbeats = new LongAdder();
    final LongAdder resets = new LongAdder();
    final LongAdder slowClientDisconnects = new LongAdder();
    final LongAdder publishRequests = new LongAdder();
    final LongAdder publishedEvents = new LongAdder();
    final LongAdder publishRejectedRingFull = new LongAdder();
    final LongAdder requestTimeouts = new LongAdder();
    final LongAdder idleTimeouts = new LongAdder();
    final LongAdder http2Connections = new LongAdder();
    final LongAdder tlsHandshakeFailures = new LongAdder();
    final LongAdder authFailures = new LongAdder();
    final LongAdder tokenExpiries = new LongAdder();
    final LongAdder clientErrors = new LongAdder();
    final LongAdder serverErrors = new LongAdder();

    /** Counts an error response by status class only, so label cardinality stays bounded. */
    void countError(final int status)
    {
        if (status >= 500)
        {
            serverErrors.increment();
        }
        else
        {
            clientErrors.increment();
        }
    }
}
