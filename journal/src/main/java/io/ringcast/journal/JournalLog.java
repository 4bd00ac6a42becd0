package io.ringcast.journal;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventLog;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Serves the engine's resumes from the segment files: finds the segment holding the position, reads forward with
 * checksums verified and delivers every record in range. A resume is exact when the segments reach back to the
 * position and nothing in between was unreadable (deleted by retention while read, or corrupt).
 *
 * <p>Thread-safety: {@link #replay} is called on the engine's replay thread, one resume at a time; it reads files
 * the writer appends to, never past what the writer has written (each record's checksum is verified).
 */
final class JournalLog implements EventLog
{
    private static final long CATCH_UP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);

    private final ConcurrentSkipListMap<Long, SegmentFile> segments;
    private final JournalWriter writer;
    private final JournalCounters counters;
    private final SegmentReader reader = new SegmentReader(256 << 10);

    JournalLog(
        final ConcurrentSkipListMap<Long, SegmentFile> segments,
        final JournalWriter writer,
        final JournalCounters counters)
    {
        this.segments = segments;
        this.writer = writer;
        this.counters = counters;
    }

    @Override
    public boolean replay(final long afterId, final long beforeId, final Consumer<Event> sink) throws IOException
    {
        awaitWritten(Math.min(beforeId - 1, writer.enqueuedId()));
        final Map.Entry<Long, SegmentFile> floor = segments.floorEntry(afterId + 1);
        boolean complete = floor != null;
        final NavigableMap<Long, SegmentFile> from = floor == null ? segments : segments.tailMap(floor.getKey(), true);
        for (final SegmentFile segment : from.values())
        {
            if (segment.firstId >= beforeId)
            {
                break;
            }
            final ReadResult result = read(segment, afterId, beforeId, sink);
            if (result == ReadResult.REACHED_END)
            {
                return complete;
            }
            if (result == ReadResult.UNREADABLE)
            {
                complete = false;
            }
        }
        return complete;
    }

    private enum ReadResult
    {
        EXHAUSTED, REACHED_END, UNREADABLE
    }

    private ReadResult read(
        final SegmentFile segment, final long afterId, final long beforeId, final Consumer<Event> sink)
        throws IOException
    {
        try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ))
        {
            if (!SegmentFormat.hasValidHeader(channel, segment.firstId))
            {
                counters.corruptSegmentReads.increment();
                return ReadResult.UNREADABLE;
            }
            reader.open(channel);
            while (reader.next())
            {
                final long id = RecordCodec.id(reader.body(), reader.bodyOffset());
                if (id >= beforeId)
                {
                    return ReadResult.REACHED_END;
                }
                if (id > afterId)
                {
                    final var body = reader.body();
                    final int bufferedLimit = body.limit();
                    body.limit(reader.bodyOffset() + reader.bodyLength()).position(reader.bodyOffset());
                    final Event event;
                    try
                    {
                        event = RecordCodec.decode(body);
                    }
                    catch (final RuntimeException e)
                    {
                        counters.corruptSegmentReads.increment();
                        return ReadResult.UNREADABLE;
                    }
                    finally
                    {
                        body.limit(bufferedLimit).position(0);
                    }
                    sink.accept(event);
                }
            }
            if (reader.stoppedAtInvalid() && !isActive(segment))
            {
                counters.corruptSegmentReads.increment();
                return ReadResult.UNREADABLE;
            }
            return ReadResult.EXHAUSTED;
        }
        catch (final NoSuchFileException e)
        {
            return ReadResult.UNREADABLE; // deleted by retention meanwhile
        }
    }

    private boolean isActive(final SegmentFile segment)
    {
        final Map.Entry<Long, SegmentFile> last = segments.lastEntry();
        return last != null && last.getValue() == segment;
    }

    /** Waits (bounded) until the writer has written {@code id}, so a resume sees everything the engine evicted. */
    private void awaitWritten(final long id)
    {
        final long deadline = System.nanoTime() + CATCH_UP_TIMEOUT_NS;
        while (writer.writtenId() < id && writer.isWritable() && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(100_000);
        }
    }
}
