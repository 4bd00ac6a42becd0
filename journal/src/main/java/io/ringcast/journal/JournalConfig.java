package io.ringcast.journal;

import io.ringcast.engine.spi.DurableStoreProvider;

import java.nio.file.Path;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Settings of a {@link Journal}. Not thread-safe: configure on one thread, then {@link Journal#open}.
 */
public final class JournalConfig
{
    private Path directory;
    private long segmentBytes = 64L << 20;
    private long retentionBytes = 10L << 30;
    private Duration retention = Duration.ofDays(7);
    /** The default buffer between the dispatcher and the writer. */
    public static final int DEFAULT_BUFFER_BYTES = 4 << 20;
    /** Room in a record for what is not payload: topic, type, audience, origin, attributes, fixed fields. */
    private static final int RECORD_OVERHEAD_BYTES = 64 << 10;

    private int bufferBytes = DEFAULT_BUFFER_BYTES;
    // the defaults a transport opening the journal through the SPI also names (its flags' help)
    private Duration syncInterval = Duration.ofMillis(DurableStoreProvider.DEFAULT_SYNC_INTERVAL_MS);
    private Duration writeInterval = Duration.ofMillis(DurableStoreProvider.DEFAULT_WRITE_INTERVAL_MS);
    private Duration retryInterval = Duration.ofSeconds(1);

    /** @param directory where segment files live; created when missing. Required. */
    public JournalConfig directory(final Path directory)
    {
        this.directory = requireNonNull(directory, "directory");
        return this;
    }

    public Path directory()
    {
        return directory;
    }

    /** @param bytes a segment is closed and a new one started once it would grow past this (default 64 MiB). */
    public JournalConfig segmentBytes(final long bytes)
    {
        this.segmentBytes = bytes;
        return this;
    }

    public long segmentBytes()
    {
        return segmentBytes;
    }

    /**
     * @param bytes the oldest whole segments are deleted while all segments together exceed this (default 10 GiB);
     *              the segment being written is never deleted.
     */
    public JournalConfig retentionBytes(final long bytes)
    {
        this.retentionBytes = bytes;
        return this;
    }

    public long retentionBytes()
    {
        return retentionBytes;
    }

    /** @param age a closed segment whose newest record is older than this is deleted (default 7 days). */
    public JournalConfig retention(final Duration age)
    {
        this.retention = requireNonNull(age, "age");
        return this;
    }

    public Duration retention()
    {
        return retention;
    }

    /**
     * @param bytes the buffer between the dispatcher and the writer thread (default 4 MiB, a power of two); an event
     *              whose record is larger than an eighth of it is not journaled (counted in
     *              {@code journal_oversized_events}): size it with {@link #bufferBytesFor}.
     */
    public JournalConfig bufferBytes(final int bytes)
    {
        this.bufferBytes = bytes;
        return this;
    }

    public int bufferBytes()
    {
        return bufferBytes;
    }

    /**
     * @return the smallest buffer, at least the default, that takes an event with a payload of
     *         {@code maxPayloadBytes} (its record with the largest strings and attributes in an eighth of the buffer).
     * @throws IllegalArgumentException when no buffer up to 1 GiB takes it.
     */
    public static int bufferBytesFor(final int maxPayloadBytes)
    {
        final long needed = 8L * ((long)maxPayloadBytes + RECORD_OVERHEAD_BYTES);
        if (maxPayloadBytes < 0 || needed > 1L << 30)
        {
            throw new IllegalArgumentException("no journal buffer up to 1 GiB takes events of " + maxPayloadBytes +
                " bytes; lower the largest event size");
        }
        long bytes = DEFAULT_BUFFER_BYTES;
        while (bytes < needed)
        {
            bytes <<= 1;
        }
        return (int)bytes;
    }

    /**
     * @param interval written data is synced to the device at least this often (default 1 s); a durable wait syncs
     *                 at once. {@link Duration#ZERO}: sync after every written batch.
     */
    public JournalConfig syncInterval(final Duration interval)
    {
        this.syncInterval = requireNonNull(interval, "interval");
        return this;
    }

    public Duration syncInterval()
    {
        return syncInterval;
    }

    /**
     * @param interval while events flow, the writer writes what the engine handed it at least this often (default
     *                 5 ms), with one {@code write} per interval instead of one per dispatcher batch; it also writes
     *                 at once when its buffer is an eighth full or a durable wait asks for a sync. A {@code kill -9}
     *                 loses at most the memory-acknowledged events of the last interval (plus the engine's ring).
     *                 {@link Duration#ZERO}: the dispatcher wakes the writer after every batch (the smallest window,
     *                 the most wake-ups: a system call per batch on a busy engine). The default was 1 ms until
     *                 the writer's wake-ups were measured beside an SSE event loop on two cores: at 600 sparse events/s
     *                 the writer thread woke 830-910 times a second with 1 ms (one write per event and the empty
     *                 intervals between), 210 with 5 ms and 110 with 10 ms, and waited 73-165, 25-30 and 13-21 ms/s for
     *                 a CPU (docs/JOURNAL.md).
     */
    public JournalConfig writeInterval(final Duration interval)
    {
        this.writeInterval = requireNonNull(interval, "interval");
        return this;
    }

    public Duration writeInterval()
    {
        return writeInterval;
    }

    /** @param interval how often a failed write (disk full) is retried (default 1 s). */
    public JournalConfig retryInterval(final Duration interval)
    {
        this.retryInterval = requireNonNull(interval, "interval");
        return this;
    }

    public Duration retryInterval()
    {
        return retryInterval;
    }

    /** @throws IllegalArgumentException naming the first invalid setting. */
    void validate()
    {
        if (directory == null)
        {
            throw new IllegalArgumentException("journal directory is required");
        }
        if (segmentBytes < 1 << 16 || segmentBytes > 1L << 40)
        {
            throw new IllegalArgumentException("segmentBytes must be in [64 KiB, 1 TiB], got " + segmentBytes);
        }
        if (retentionBytes < segmentBytes)
        {
            throw new IllegalArgumentException(
                "retentionBytes must be at least segmentBytes (" + segmentBytes + "), got " + retentionBytes);
        }
        if (retention.isNegative() || retention.isZero())
        {
            throw new IllegalArgumentException("retention must be positive, got " + retention);
        }
        if (bufferBytes < 1 << 16 || bufferBytes > 1 << 30 || Integer.bitCount(bufferBytes) != 1)
        {
            throw new IllegalArgumentException("bufferBytes must be a power of two in [64 KiB, 1 GiB], got " + bufferBytes);
        }
        if (syncInterval.isNegative() || retryInterval.isNegative() || retryInterval.isZero())
        {
            throw new IllegalArgumentException("syncInterval must be >= 0 and retryInterval > 0");
        }
        if (writeInterval.isNegative() || writeInterval.compareTo(Duration.ofSeconds(1)) > 0)
        {
            throw new IllegalArgumentException("writeInterval must be in [0, 1 s], got " + writeInterval);
        }
    }
}
