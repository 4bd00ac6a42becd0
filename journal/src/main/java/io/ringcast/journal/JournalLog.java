package io.ringcast.journal;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventLog;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Serves the engine's resumes from the segment files, page by page: a {@link Reader} finds the segment holding the
 * position, reads forward with checksums verified and delivers every record in range, remembering the segment and the
 * file offset where the page stopped, so the next page starts there without reading anything twice. A resume is
 * exact when the segments reach back to the position and nothing in between was unreadable (deleted by retention
 * before it was read, or corrupt).
 *
 * <p>Thread-safety: readers are used on the engine's replay thread, one read at a time (several readers may be open,
 * each holding only its position between reads: no file stays open); they read files the writer appends to, never
 * past what the writer has written (each record's checksum is verified).
 */
final class JournalLog implements EventLog
{
    private static final long CATCH_UP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);

    private final ConcurrentSkipListMap<Long, SegmentFile> segments;
    private final JournalWriter writer;
    private final JournalCounters counters;
    /** Shared by all readers: they read one at a time on the replay thread. */
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
    public Reader reader(final long afterId, final long beforeId)
    {
        return new PagedReader(afterId, beforeId);
    }

    @Override
    public boolean replay(final long afterId, final long beforeId, final Consumer<Event> sink) throws IOException
    {
        final PagedReader pages = new PagedReader(afterId, beforeId);
        pages.read(e ->
        {
            sink.accept(e);
            return true;
        });
        return pages.complete();
    }

    private enum ReadResult
    {
        EXHAUSTED, REACHED_END, UNREADABLE, STOPPED
    }

    /** One resume's position in the segments between two pages. */
    private final class PagedReader implements Reader
    {
        private final long afterId;
        private final long beforeId;
        private boolean started;
        private boolean complete = true;
        private boolean ended;
        /** The segment the next read starts in ({@code firstId}), or -1 before the first read. */
        private long segmentKey = -1;
        /** The file offset of the next record in that segment, or -1 to start after its header. */
        private long offset = -1;

        PagedReader(final long afterId, final long beforeId)
        {
            this.afterId = afterId;
            this.beforeId = beforeId;
        }

        @Override
        public Page read(final Predicate<Event> sink) throws IOException
        {
            if (ended)
            {
                return Page.END;
            }
            if (!started)
            {
                started = true;
                awaitWritten(Math.min(beforeId - 1, writer.dispatchedId()));
                final Map.Entry<Long, SegmentFile> floor = segments.floorEntry(afterId + 1);
                complete = floor != null;
                if (floor != null)
                {
                    segmentKey = floor.getKey();
                }
                else if (!segments.isEmpty())
                {
                    segmentKey = segments.firstKey();
                }
                else
                {
                    ended = true;
                    return Page.END;
                }
            }
            else if (offset >= 0 && !segments.containsKey(segmentKey))
            {
                complete = false; // retention deleted the rest of the segment this resume was reading
                offset = -1;
            }
            for (final SegmentFile segment : segments.tailMap(segmentKey, true).values())
            {
                if (segment.firstId >= beforeId)
                {
                    break;
                }
                final long start = segment.firstId == segmentKey && offset >= 0 ? offset : SegmentFormat.HEADER_BYTES;
                segmentKey = segment.firstId;
                offset = -1;
                final ReadResult result = readSegment(segment, start, sink);
                if (result == ReadResult.STOPPED)
                {
                    offset = reader.validEnd();
                    return Page.MORE;
                }
                if (result == ReadResult.REACHED_END)
                {
                    break;
                }
                if (result == ReadResult.UNREADABLE)
                {
                    complete = false;
                }
            }
            ended = true;
            return Page.END;
        }

        @Override
        public boolean complete()
        {
            return complete;
        }

        private ReadResult readSegment(final SegmentFile segment, final long start, final Predicate<Event> sink)
            throws IOException
        {
            try (FileChannel channel = FileChannel.open(segment.path, StandardOpenOption.READ))
            {
                if (!SegmentFormat.hasValidHeader(channel, segment.firstId))
                {
                    counters.corruptSegmentReads.increment();
                    return ReadResult.UNREADABLE;
                }
                reader.open(channel, start, channel.size());
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
                        if (!sink.test(event))
                        {
                            return ReadResult.STOPPED;
                        }
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
        if (writer.writtenId() < id)
        {
            writer.requestWrite(id); // the writer wakes and writes what it has taken
        }
        while (writer.writtenId() < id && writer.isWritable() && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(100_000);
        }
    }
}
