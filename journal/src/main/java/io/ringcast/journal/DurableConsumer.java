package io.ringcast.journal;

import io.ringcast.engine.Event;
import io.ringcast.engine.spi.JournalTail;
import io.ringcast.engine.spi.NamedConsumer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * A named consumer of the journal with a durable position: it reads the journal in order from where it last
 * committed, and {@link #commit} stores how far it got so that a restart (of the consumer or of the process) goes on
 * from there. At-least-once: events polled but not committed are read again after a restart.
 *
 * <p>The {@link Seek} given at creation applies only while the consumer has never committed; afterwards it goes on
 * after its committed position. {@link #seek} moves it explicitly (the next commit stores the new place). When
 * retention deleted events the consumer had not read, it goes on at the oldest retained event and counts the
 * {@link #gaps()}.
 *
 * <p>Its position is stored in {@code consumers/<name>.pos} under the journal directory (replaced atomically and
 * synced on every commit).
 *
 * <p>A reader made by {@link Journal#tail} has no name and no file: its position lives in memory only (its owner
 * stores progress elsewhere), and {@link #commit} is refused.
 *
 * <p>Thread-safety: one thread at a time for {@link #poll}, {@link #commit} and {@link #seek}; the getters from any
 * thread.
 */
public final class DurableConsumer implements NamedConsumer, JournalTail
{
    private final String name;
    private final Path positionFile;
    private final ConcurrentSkipListMap<Long, SegmentFile> segments;
    private final JournalWriter writer;
    private final SegmentReader reader = new SegmentReader(256 << 10);

    /** The segment being read, the file offset and journal position of the next record, the last id read. */
    private long segmentId = -1;
    private long offset;
    private long position;
    private long lastReadId = -1;
    /** The id of the record just before the current position, or -1 when unknown (before the journal's first). */
    private long startAfterId = -1;
    private final Seek initialSeek;
    private FileChannel channel;

    private volatile long committedId = -1;
    private volatile long committedPosition = -1;
    private volatile long gaps;

    DurableConsumer(
        final String name,
        final Path directory,
        final ConcurrentSkipListMap<Long, SegmentFile> segments,
        final JournalWriter writer,
        final Seek seek) throws IOException
    {
        this.localOnly = false;
        this.name = name;
        this.segments = segments;
        this.writer = writer;
        this.initialSeek = seek;
        this.positionFile = Files.createDirectories(directory.resolve("consumers")).resolve(name + ".pos");
        if (Files.exists(positionFile))
        {
            load();
        }
        else
        {
            seek(seek);
        }
    }

    /** Only records of events published on this node are delivered (the others are stepped over undecoded). */
    private final boolean localOnly;

    /** An unnamed reader with its position in memory only ({@link Journal#tail}), not positioned yet. */
    DurableConsumer(
        final ConcurrentSkipListMap<Long, SegmentFile> segments, final JournalWriter writer, final boolean localOnly)
    {
        this.localOnly = localOnly;
        this.name = "";
        this.segments = segments;
        this.writer = writer;
        this.initialSeek = Seek.beginning();
        this.positionFile = null;
    }

    /** Counts events skipped before the reader was positioned (see {@link Journal#tail}). */
    void countGap()
    {
        gaps++;
    }

    /** @return the consumer's name. */
    @Override
    public String name()
    {
        return name;
    }

    /** @return the id of the last committed event, or -1 before the first commit. */
    public long committedId()
    {
        return committedId;
    }

    /** @return events appended to the journal after the committed position (all of them before the first commit). */
    public long lag()
    {
        final long committed = committedPosition;
        return Math.max(0, writer.writtenPosition() - (committed < 0 ? position : committed));
    }

    /** @return times retention or corruption made this consumer skip events it had not read. */
    @Override
    public long gaps()
    {
        return gaps;
    }

    /**
     * Reads up to {@code max} events after the current position into {@code sink}, in id order, only events already
     * written by the journal.
     *
     * @return events delivered.
     */
    @Override
    public int poll(final Consumer<Event> sink, final int max) throws IOException
    {
        int delivered = 0;
        while (delivered < max)
        {
            final SegmentFile segment = segmentId < 0 ? null : segments.get(segmentId);
            if (segment == null)
            {
                if (!skipToOldestRetained())
                {
                    return delivered;
                }
                continue;
            }
            if (channel == null)
            {
                try
                {
                    channel = FileChannel.open(segment.path, StandardOpenOption.READ);
                }
                catch (final NoSuchFileException e)
                {
                    if (segments.get(segmentId) == segment)
                    {
                        segments.remove(segmentId, segment); // gone from disk: retention's own entry follows
                    }
                    continue;
                }
            }
            // a segment with a successor is complete; the newest is read only up to what the writer has written
            final Map.Entry<Long, SegmentFile> next = segments.higherEntry(segmentId);
            final long limit = next == null ? segment.bytes : channel.size();
            reader.open(channel, offset, limit);
            while (delivered < max && reader.next())
            {
                if (localOnly && !RecordCodec.isLocal(reader.body(), reader.bodyOffset()))
                {
                    offset = reader.validEnd();
                    position++;
                    continue;
                }
                final ByteBuffer body = reader.body();
                final int bufferedLimit = body.limit();
                body.limit(reader.bodyOffset() + reader.bodyLength()).position(reader.bodyOffset());
                final Event event;
                try
                {
                    event = RecordCodec.decode(body);
                }
                finally
                {
                    body.limit(bufferedLimit).position(0);
                }
                offset = reader.validEnd();
                position++;
                lastReadId = event.id();
                startAfterId = lastReadId;
                sink.accept(event);
                delivered++;
            }
            if (delivered == max || next == null)
            {
                return delivered;
            }
            if (reader.stoppedAtInvalid())
            {
                gaps++; // a corrupt record: the rest of this segment is unreadable
            }
            openSegment(next.getValue());
        }
        return delivered;
    }

    /**
     * @return the id after which this consumer stands now (its committed id after a restart, else the id just
     *         before where its seek put it), or -1 before the oldest retained event; a stream can resume after it.
     */
    @Override
    public long startAfterId()
    {
        if (segmentId < 0 && committedId < 0 && initialSeek.kind != Seek.Kind.LATEST)
        {
            // the journal was empty at the seek: before its oldest segment, or before the first event handed to the
            // writer when even that segment is not written yet
            final Map.Entry<Long, SegmentFile> first = segments.firstEntry();
            final long firstTaken = writer.firstTakenId();
            return first != null ? first.getKey() - 1 : firstTaken >= 0 ? firstTaken - 1 : -1;
        }
        return startAfterId;
    }

    /**
     * Commits event {@code id} (read here or elsewhere, for example over a stream): the consumer goes on after it.
     *
     * @throws IllegalArgumentException when the journal does not hold {@code id} (never published here, or deleted
     *                                  by retention).
     */
    @Override
    public void commit(final long id) throws IOException
    {
        requireNamed();
        seek(Seek.afterId(id));
        if (startAfterId != id)
        {
            throw new IllegalArgumentException("event " + id + " is not in the journal (not an id of this node, or " +
                "older than its retention)");
        }
        store(id, position, segmentId, offset);
    }

    /** Commits the last event {@link #poll} delivered. */
    public void commit() throws IOException
    {
        if (lastReadId >= 0)
        {
            store(lastReadId, position, segmentId, offset);
        }
    }

    /** Moves the consumer; the next {@link #commit} stores the new place. */
    public void seek(final Seek seek) throws IOException
    {
        closeChannel();
        lastReadId = -1;
        switch (seek.kind)
        {
            case BEGINNING -> skipToOldestRetained();
            case LATEST -> toHead();
            case AFTER_ID -> skipWhile(seek, true);
            case FROM_TIME -> skipWhile(seek, false);
        }
    }

    @Override
    public void close()
    {
        closeChannel();
    }

    // -------------------------------------------------------------------------------------------- internals

    private void toHead()
    {
        final Map.Entry<Long, SegmentFile> last = segments.lastEntry();
        if (last == null)
        {
            segmentId = -1;
            return;
        }
        segmentId = last.getKey();
        offset = last.getValue().bytes;
        position = writer.writtenPosition();
        startAfterId = writer.writtenId();
    }

    /** Positions at the first record of the oldest segment; false when the journal is empty. */
    private boolean skipToOldestRetained() throws IOException
    {
        final Map.Entry<Long, SegmentFile> first = segments.firstEntry();
        if (first == null)
        {
            segmentId = -1;
            return false;
        }
        if (segmentId >= 0 && segmentId != first.getKey())
        {
            gaps++;
        }
        openSegment(first.getValue());
        startAfterId = first.getKey() - 1;
        return true;
    }

    private void openSegment(final SegmentFile segment) throws IOException
    {
        closeChannel();
        segmentId = segment.firstId;
        offset = SegmentFormat.HEADER_BYTES;
        try (FileChannel ch = FileChannel.open(segment.path, StandardOpenOption.READ))
        {
            final long first = SegmentFormat.firstPosition(ch, segment.firstId);
            position = first >= 0 ? first : position;
        }
        catch (final NoSuchFileException e)
        {
            // deleted meanwhile; poll moves on
        }
    }

    /** From the floor segment, reads past records with id <= value (afterId) or timestamp < value (fromTime). */
    private void skipWhile(final Seek seek, final boolean byId) throws IOException
    {
        Map.Entry<Long, SegmentFile> start = null;
        if (byId)
        {
            start = segments.floorEntry(seek.value + 1);
        }
        else
        {
            for (final Map.Entry<Long, SegmentFile> e : segments.entrySet())
            {
                start = e;
                if (e.getValue().newestTimestampMs >= seek.value)
                {
                    break;
                }
            }
        }
        if (start == null)
        {
            skipToOldestRetained();
            return;
        }
        openSegment(start.getValue());
        startAfterId = start.getKey() - 1;
        for (Map.Entry<Long, SegmentFile> e = start; e != null; e = segments.higherEntry(e.getKey()))
        {
            if (e != start)
            {
                openSegment(e.getValue());
            }
            try (FileChannel ch = FileChannel.open(e.getValue().path, StandardOpenOption.READ))
            {
                final boolean last = segments.higherEntry(e.getKey()) == null;
                reader.open(ch, offset, last ? e.getValue().bytes : ch.size());
                while (reader.next())
                {
                    final long key = byId ? RecordCodec.id(reader.body(), reader.bodyOffset()) :
                        RecordCodec.timestampMs(reader.body(), reader.bodyOffset());
                    if (byId ? key > seek.value : key >= seek.value)
                    {
                        return; // positioned before this record
                    }
                    offset = reader.validEnd();
                    position++;
                    startAfterId = RecordCodec.id(reader.body(), reader.bodyOffset());
                }
                if (last)
                {
                    return;
                }
            }
        }
    }

    private void requireNamed()
    {
        if (positionFile == null)
        {
            throw new IllegalStateException("a journal tail keeps its position in memory: it has nothing to commit");
        }
    }

    private void store(final long id, final long pos, final long segment, final long off) throws IOException
    {
        requireNamed();
        final Path tmp = positionFile.resolveSibling(name + ".pos.tmp");
        final byte[] text = (id + " " + pos + " " + segment + " " + off + "\n").getBytes(StandardCharsets.US_ASCII);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE))
        {
            final ByteBuffer b = ByteBuffer.wrap(text);
            while (b.hasRemaining())
            {
                ch.write(b);
            }
            ch.force(true);
        }
        try
        {
            Files.move(tmp, positionFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException e)
        {
            Files.move(tmp, positionFile, StandardCopyOption.REPLACE_EXISTING);
        }
        Journal.syncDirectory(positionFile.getParent());
        committedPosition = pos;
        committedId = id;
    }

    private void load() throws IOException
    {
        final String[] f = Files.readString(positionFile, StandardCharsets.US_ASCII).trim().split(" ");
        try
        {
            committedId = Long.parseLong(f[0]);
            committedPosition = Long.parseLong(f[1]);
            segmentId = Long.parseLong(f[2]);
            offset = Long.parseLong(f[3]);
            position = committedPosition;
            startAfterId = committedId;
        }
        catch (final RuntimeException e)
        {
            throw new IOException("consumer position file " + positionFile + " is damaged; delete it to start the " +
                "consumer from its seek again", e);
        }
        if (!segments.containsKey(segmentId))
        {
            skipToOldestRetained();
            gaps++;
        }
    }

    private void closeChannel()
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // read-only
            }
            channel = null;
        }
    }
}
