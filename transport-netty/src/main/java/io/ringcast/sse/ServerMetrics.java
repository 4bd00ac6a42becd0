package io.ringcast.sse;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's own counters, beside the engine's. Updated from any event loop and read by {@code /metrics}; each
 * counter is a {@link LongAdder}, so writers do not contend and a set of reads is not an atomic snapshot.
 * {@link #pendingBytes} is an {@link AtomicLong} because streams compare its sum with the global budget.
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
    /** Batches written straight to the socket ({@link DirectSocket}), and those of them the socket took in part. */
    final LongAdder directWrites = new LongAdder();
    final LongAdder directWritesPartial = new LongAdder();
    final LongAdder heartbeats = new LongAdder();
    final LongAdder resets = new LongAdder();
    /** Streams cut off because the client fell behind, every cause together. */
    final LongAdder slowClientDisconnects = new LongAdder();
    /** Cut-offs by {@link CutOff} cause, indexed by ordinal. */
    final LongAdder[] cutOffs = adders(CutOff.values().length);
    /** Event frames dropped (policy {@code drop}) by {@link CutOff} cause, indexed by ordinal. */
    final LongAdder[] framesDropped = adders(CutOff.values().length);
    /** Bytes written to connections by streams and not yet taken by their sockets, all streams together. */
    final AtomicLong pendingBytes = new AtomicLong();
    final LongAdder publishRequests = new LongAdder();
    /** Topic and type names published that share one instance ({@link SharedNames}). */
    final java.util.concurrent.atomic.AtomicInteger publishNamesShared = new java.util.concurrent.atomic.AtomicInteger();
    /** Names published beyond {@link SharedNames}' bounds, used as parsed. */
    final LongAdder publishNamesUnshared = new LongAdder();
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

    /** Counts a stream cut off for {@code cause}. */
    void cutOff(final CutOff cause)
    {
        slowClientDisconnects.increment();
        cutOffs[cause.ordinal()].increment();
    }

    private static LongAdder[] adders(final int n)
    {
        final LongAdder[] adders = new LongAdder[n];
        for (int i = 0; i < n; i++)
        {
            adders[i] = new LongAdder();
        }
        return adders;
    }

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
