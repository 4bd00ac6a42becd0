package io.ringcast.bench.peer;

import io.ringcast.engine.Event;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Appends each event to a Chronicle Queue in a fresh directory under {@code java.io.tmpdir} (deleted on close): one
 * excerpt per event holding what the journal's record holds (id, time, topic, type, payload), memory-mapped and never
 * synced, as Chronicle Queue runs by default. Its usage reporting is off ({@code chronicle.analytics.disable}, and the
 * analytics artifact is excluded from the build).
 *
 * <p>The payload goes through a scratch array ({@link Event#copyPayload(byte[], int)}, then Chronicle's
 * {@code write(byte[], int, int)}), one copy more than the journal makes: a follower may only read the stored event,
 * and this is how a user holding a {@code byte[]} writes to Chronicle Queue. A copy of the benchmark's small payloads
 * costs a few nanoseconds; the append costs far more, judging by its ratios in docs/JOURNAL.md (0.08 of the engine
 * alone saturated with one subscriber, against the journal's 0.43).
 *
 * <p>Thread-safety: {@link #open} and {@link #write} on the follower's thread; {@link #close} after it stopped.
 */
final class ChronicleSink implements BenchFollower.Sink
{
    private final Path directory;
    private final ChronicleQueue queue;
    private ExcerptAppender appender;
    private byte[] scratch = new byte[256];

    ChronicleSink()
    {
        System.setProperty("chronicle.analytics.disable", "true");
        try
        {
            directory = Files.createTempDirectory("ringcast-bench-chronicle");
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        queue = SingleChronicleQueueBuilder.single(directory.toFile()).rollCycle(RollCycles.FAST_HOURLY).build();
    }

    @Override
    public void open()
    {
        appender = queue.createAppender();
    }

    @Override
    public void write(final Event event)
    {
        final int length = event.payloadLength();
        if (scratch.length < length)
        {
            scratch = new byte[Math.max(length, 2 * scratch.length)];
        }
        event.copyPayload(scratch, 0);
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeLong(event.id()).writeLong(event.timestampMs());
            bytes.writeUtf8(event.topic()).writeUtf8(event.type());
            bytes.writeInt(length).write(scratch, 0, length);
        }
    }

    @Override
    public String toString()
    {
        return "chronicle queue";
    }

    @Override
    public void close()
    {
        if (appender != null)
        {
            appender.close();
        }
        queue.close();
        RingcastPeer.deleteRecursively(directory);
    }
}
