package io.ringcast.journal;

import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.EventFollower;
import io.ringcast.engine.EventLog;
import io.ringcast.engine.spi.DurableStore;
import io.ringcast.engine.spi.JournalTail;
import io.ringcast.engine.spi.MetricSink;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine's event log on local disk. Every event the dispatcher processes (local and relayed) is appended, in id
 * order, to checksummed segment files by one writer thread; resumes older than the engine's memory, and resumes
 * from before a restart, are served from them.
 *
 * <p>Life cycle: {@link #open} recovers the directory (a torn or corrupt tail of the newest segment is cut at the
 * last valid record) and starts the writer; {@link #configure} adds the journal's stage and log to the engine
 * configuration, and makes the engine's ids continue after the newest id on disk; {@link #close} after the engine
 * has closed drains, syncs and stops.
 *
 * <p>What survives what: a record is in the operating system once the writer has written its batch (microseconds
 * after dispatch; survives {@code kill -9}); it is on the device once synced, at least every
 * {@link JournalConfig#syncInterval} and at once for {@link #awaitDurable} (survives power loss).
 *
 * <p>Thread-safety: {@link #open}, {@link #configure} and {@link #close} on the composing thread; every other method
 * on any thread, without blocking unless it says so.
 */
public final class Journal implements DurableStore
{
    private final JournalConfig config;
    private final ConcurrentSkipListMap<Long, SegmentFile> segments;
    private final JournalCounters counters;
    private final JournalWriter writer;
    private final JournalLog log;
    private final long recoveredLastId;
    private final FileChannel lockChannel;
    private final java.util.Map<String, DurableConsumer> consumers = new java.util.concurrent.ConcurrentHashMap<>();

    private Journal(
        final JournalConfig config,
        final ConcurrentSkipListMap<Long, SegmentFile> segments,
        final JournalCounters counters,
        final Recovered recovered,
        final FileChannel lockChannel)
    {
        this.lockChannel = lockChannel;
        this.config = config;
        this.segments = segments;
        this.counters = counters;
        this.recoveredLastId = recovered.lastId;
        this.writer = new JournalWriter(
            config, segments, counters, recovered.lastId, recovered.nextPosition, recovered.active, recovered.channel);
        this.log = new JournalLog(segments, writer, counters);
    }

    /**
     * Opens (creating it if needed) and recovers the journal in {@code config.directory()}, and starts its writer.
     *
     * @throws IOException              when the directory cannot be created or read.
     * @throws IllegalArgumentException naming an invalid setting.
     */
    public static Journal open(final JournalConfig config) throws IOException
    {
        config.validate();
        Files.createDirectories(config.directory());
        final FileChannel lock = lock(config.directory());
        try
        {
            final ConcurrentSkipListMap<Long, SegmentFile> segments = new ConcurrentSkipListMap<>();
            final JournalCounters counters = new JournalCounters();
            final Recovered recovered = recover(config.directory(), segments, counters);
            final Journal journal = new Journal(config, segments, counters, recovered, lock);
            journal.writer.start("ringcast-journal");
            return journal;
        }
        catch (final IOException | RuntimeException e)
        {
            lock.close();
            throw e;
        }
    }

    /** Takes the directory's lock file, so two processes never write one journal. */
    private static FileChannel lock(final Path directory) throws IOException
    {
        final FileChannel channel = FileChannel.open(directory.resolve("journal.lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try
        {
            if (channel.tryLock() != null)
            {
                return channel;
            }
        }
        catch (final java.nio.channels.OverlappingFileLockException e)
        {
            // held by this process
        }
        channel.close();
        throw new IOException("the journal directory " + directory.toAbsolutePath() + " is in use by another " +
            "journal (another server process?); give each process its own --data-dir");
    }

    /**
     * Makes the journal's writer the engine's {@linkplain EngineConfig#follower follower} (it takes every dispatched
     * event where it lies) and its log the engine's event log, and makes the engine's ids continue after the newest on
     * disk. One engine at a time.
     */
    @Override
    public void configure(final EngineConfig engine)
    {
        engine.follower(writer).eventLog(log).idsAfter(recoveredLastId);
    }

    /** @return the follower that takes and writes every event (its own thread). */
    public EventFollower follower()
    {
        return writer;
    }

    /** @return the log that serves resumes from disk (the engine's replay thread). */
    public EventLog log()
    {
        return log;
    }

    /** @return the newest id found on disk when the journal was opened, or -1 when it was empty. */
    @Override
    public long recoveredLastId()
    {
        return recoveredLastId;
    }

    /** @return the settings it was opened with (validated). */
    JournalConfig config()
    {
        return config;
    }

    /** @return the newest id written to the operating system (survives a process crash). */
    public long writtenId()
    {
        return writer.writtenId();
    }

    /** @return the newest id synced to the device (survives power loss). */
    @Override
    public long durableId()
    {
        return writer.durableId();
    }

    /** Asks the writer to sync as soon as {@code id} is written; never blocks, allocates nothing. */
    public void requestSync(final long id)
    {
        writer.requestSync(id);
    }

    /** As {@link #requestSync}. */
    @Override
    public void requestDurable(final long id)
    {
        writer.requestSync(id);
    }

    /**
     * Blocks until {@code id} is synced to the device (group commit: one sync serves every waiter), or the journal
     * cannot write, or the timeout passes. Allocates nothing. Never call it on an event loop or the dispatcher.
     *
     * @return {@code true} once {@code id} is durable.
     */
    @Override
    public boolean awaitDurable(final long id, final long timeout, final TimeUnit unit)
    {
        if (writer.durableId() >= id)
        {
            return true;
        }
        writer.requestSync(id);
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        long spins = 0;
        while (writer.durableId() < id)
        {
            if (System.nanoTime() - deadline >= 0 || writer.isClosed() || Thread.currentThread().isInterrupted())
            {
                return false;
            }
            if (++spins < 100)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(20_000);
            }
        }
        return true;
    }

    /**
     * @return {@code false} while the journal cannot write (disk full, I/O error): publishes should be refused; it
     *         turns {@code true} again by itself once a retry succeeds.
     */
    public boolean isWritable()
    {
        return writer.isWritable();
    }

    /** As {@link #isWritable()}. */
    @Override
    public boolean writable()
    {
        return writer.isWritable();
    }

    /** @return why the journal cannot write, or {@code null} while it can. */
    @Override
    public String unavailableReason()
    {
        return writer.isWritable() ? null : writer.failure();
    }

    /** @return bytes held in segment files. */
    public long bytes()
    {
        long total = 0;
        for (final SegmentFile s : segments.values())
        {
            total += s.bytes;
        }
        return total;
    }

    /** @return segment files held. */
    public int segmentCount()
    {
        return segments.size();
    }

    /** @return the id of the oldest record held, or -1 when empty (the first id of the oldest segment). */
    public long oldestId()
    {
        final var first = segments.firstEntry();
        return first == null ? -1 : first.getKey();
    }

    /**
     * Opens a named durable consumer (see {@link DurableConsumer}); {@code seek} applies while it has never committed.
     *
     * @param name [a-z0-9_]{1,48}: also the suffix of its metrics.
     * @throws IllegalArgumentException for an invalid name or one already open.
     * @throws IOException              when its position cannot be read.
     */
    public synchronized DurableConsumer consumer(final String name, final Seek seek) throws IOException
    {
        if (name == null || !name.matches("[a-z0-9_]{1,48}"))
        {
            throw new IllegalArgumentException("a consumer name is 1 to 48 of [a-z0-9_], got '" + name + "'");
        }
        if (consumers.containsKey(name))
        {
            throw new IllegalArgumentException("consumer '" + name + "' is already open");
        }
        final DurableConsumer consumer = new DurableConsumer(name, config.directory(), segments, writer, seek);
        consumers.put(name, consumer);
        return consumer;
    }

    /** @return the consumer opened under {@code name}, or {@code null}. */
    @Override
    public DurableConsumer consumer(final String name)
    {
        return consumers.get(name);
    }

    /** @return the names of the open consumers. */
    @Override
    public java.util.Set<String> consumerNames()
    {
        return java.util.Set.copyOf(consumers.keySet());
    }

    /**
     * Opens a reader with an in-memory position after {@code afterId} (nothing stored under the journal directory).
     * When {@code afterId} lies before the oldest segment held, events after it may have been deleted by retention:
     * the reader starts at the oldest event held and counts one gap (ids are not contiguous, so the journal cannot
     * tell whether the deleted segments held any event after {@code afterId}; the gap is reported either way).
     */
    @Override
    public JournalTail tail(final long afterId, final boolean localOnly) throws IOException
    {
        final DurableConsumer tail = new DurableConsumer(segments, writer, localOnly);
        final var oldest = segments.firstEntry();
        if (afterId < 0 || oldest == null)
        {
            tail.seek(Seek.beginning());
        }
        else
        {
            if (oldest.getKey() > afterId + 1)
            {
                tail.countGap();
            }
            tail.seek(Seek.afterId(afterId));
        }
        return tail;
    }

    /** Opens a reader with an in-memory position at the first event whose timestamp is at or after {@code epochMs}. */
    @Override
    public JournalTail tailFromTime(final long epochMs, final boolean localOnly) throws IOException
    {
        final DurableConsumer tail = new DurableConsumer(segments, writer, localOnly);
        tail.seek(Seek.fromTime(epochMs));
        return tail;
    }

    /** @return the position after the newest written record (records written since the journal began). */
    public long writtenPosition()
    {
        return writer.writtenPosition();
    }

    /** @param sink receives the journal's figures; never blocks. */
    @Override
    public void metrics(final MetricSink sink)
    {
        sink.gauge("journal_writable", "1 while the journal can write, 0 while it refuses (disk full, I/O error)",
            writer.isWritable() ? 1 : 0);
        sink.counter("journal_appended_events_total", "events written to the journal", counters.appended.sum());
        sink.counter("journal_written_bytes_total", "bytes written to segment files", counters.writtenBytes.sum());
        sink.counter("journal_syncs_total", "fdatasync calls (group commits)", counters.syncs.sum());
        sink.counter("journal_write_failures_total", "failed writes or syncs (each retried)",
            counters.writeFailures.sum());
        sink.counter("journal_dropped_events_total", "events not journaled because the journal could not write",
            counters.dropped.sum());
        sink.counter("journal_oversized_events_total", "events whose record is larger than the journal's buffer",
            counters.oversized.sum());
        sink.counter("journal_buffer_full_waits_total", "times the journal writer was a whole ring behind (publishers waited for it)",
            counters.bufferFullWaits.sum());
        sink.counter("journal_segments_deleted_total", "segments deleted by retention", counters.segmentsDeleted.sum());
        sink.counter("journal_unreadable_segment_reads_total", "resume reads that met a corrupt or missing segment",
            counters.corruptSegmentReads.sum());
        sink.gauge("journal_recovered_truncated_bytes", "bytes of torn or corrupt tail cut at the last start",
            counters.recoveredTruncatedBytes);
        sink.gauge("journal_bytes", "bytes held in segment files", bytes());
        sink.gauge("journal_segments", "segment files held", segments.size());
        sink.gauge("journal_unsynced_events", "events written but not yet synced to the device",
            Math.max(0, writer.writtenId() - writer.durableId()));
        for (final DurableConsumer c : consumers.values())
        {
            sink.gauge("journal_consumer_" + c.name() + "_lag_events", "events after consumer '" + c.name() +
                "' committed position", c.lag());
            sink.counter("journal_consumer_" + c.name() + "_gaps_total", "times consumer '" + c.name() +
                "' skipped events retention deleted before it read them", c.gaps());
        }
    }

    /** Drains what the engine handed over, syncs and stops the writer. Call after the engine closed. Idempotent. */
    @Override
    public void close()
    {
        consumers.values().forEach(DurableConsumer::close);
        writer.close();
        try
        {
            lockChannel.close(); // releases the lock
        }
        catch (final IOException ignored)
        {
            // the lock goes with the process anyway
        }
    }

    // ------------------------------------------------------------------------------------------- recovery

    private record Recovered(long lastId, long nextPosition, SegmentFile active, FileChannel channel)
    {
    }

    private static Recovered recover(
        final Path directory, final ConcurrentSkipListMap<Long, SegmentFile> segments, final JournalCounters counters)
        throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*" + SegmentFormat.SUFFIX))
        {
            for (final Path p : stream)
            {
                if (SegmentFormat.firstIdOf(p) >= 0)
                {
                    files.add(p);
                }
            }
        }
        for (final Path p : files)
        {
            segments.put(SegmentFormat.firstIdOf(p), new SegmentFile(
                SegmentFormat.firstIdOf(p), p, Files.size(p), Files.getLastModifiedTime(p).toMillis()));
        }
        // the newest segment: cut a torn tail at the last valid record; one without any valid record is removed and
        // the one before it is examined, so the writer always appends after the newest valid record
        final SegmentReader reader = new SegmentReader(1 << 20);
        long truncated = 0;
        while (!segments.isEmpty())
        {
            final SegmentFile last = segments.lastEntry().getValue();
            final FileChannel channel = FileChannel.open(last.path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            boolean keep = false;
            try
            {
                final long firstPosition = SegmentFormat.firstPosition(channel, last.firstId);
                if (firstPosition >= 0)
                {
                    reader.open(channel);
                    long lastId = -1;
                    long records = 0;
                    long newestTs = last.newestTimestampMs;
                    while (reader.next())
                    {
                        lastId = RecordCodec.id(reader.body(), reader.bodyOffset());
                        newestTs = RecordCodec.timestampMs(reader.body(), reader.bodyOffset());
                        records++;
                    }
                    if (lastId >= 0)
                    {
                        final long end = reader.validEnd();
                        if (end < channel.size())
                        {
                            truncated += channel.size() - end;
                            channel.truncate(end);
                            channel.force(true);
                        }
                        last.bytes = end;
                        last.newestTimestampMs = newestTs;
                        keep = true;
                        counters.recoveredTruncatedBytes = truncated;
                        return new Recovered(lastId, firstPosition + records, last, channel);
                    }
                }
            }
            finally
            {
                if (!keep)
                {
                    channel.close();
                }
            }
            truncated += last.bytes;
            segments.remove(last.firstId);
            Files.deleteIfExists(last.path);
        }
        counters.recoveredTruncatedBytes = truncated;
        return new Recovered(-1, 0, null, null);
    }

    /** Syncs a directory so a created or deleted file name survives power loss (best effort where unsupported). */
    static void syncDirectory(final Path directory)
    {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true);
        }
        catch (final IOException | RuntimeException ignored)
        {
            // some file systems cannot sync a directory; the file's own sync still holds its content
        }
    }
}
