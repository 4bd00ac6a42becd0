package io.ringcast.relay.pg;

import java.util.Map;

/**
 * Settings of a {@link PgRelay}: fluent pairs, defaults as constants, validation in {@link #validate()}.
 * Not thread-safe; build it on one thread before the relay starts.
 *
 * <pre>{@code
 * RelayConfig c = new RelayConfig().url("jdbc:postgresql://db/app?user=app").nodeId("n1").retentionMs(3_600_000);
 * }</pre>
 */
public final class RelayConfig
{
    /** The settings {@link #fromSettings} reads; any other {@code pg-} name is refused as a typo. */
    static final java.util.List<String> SETTINGS =
        java.util.List.of("pg-url", "pg-retention-ms", "pg-batch-size", "pg-buffer-events", "pg-linger-us");
    public static final long DEFAULT_RETENTION_MS = 3_600_000;
    public static final int DEFAULT_BATCH_SIZE = 1_000;
    public static final int MAX_BATCH_SIZE = 50_000;
    public static final int DEFAULT_BUFFER_EVENTS = 64 * 1024;
    public static final long DEFAULT_POLL_INTERVAL_MS = 500;
    public static final long DEFAULT_PRUNE_INTERVAL_MS = 60_000;
    /** Partitions per retention period when {@link #partitionMs(long)} is not set. */
    public static final int DEFAULT_PARTITIONS_PER_RETENTION = 6;
    public static final long MIN_PARTITION_MS = 1_000;
    public static final long DEFAULT_RECONNECT_MIN_MS = 50;
    public static final long DEFAULT_RECONNECT_MAX_MS = 5_000;
    public static final String DEFAULT_CHANNEL = "ringcast_outbox";
    public static final long DEFAULT_WRITER_LINGER_US = 1_000;

    private String url;
    private String nodeId;
    private long retentionMs = DEFAULT_RETENTION_MS;
    private int batchSize = DEFAULT_BATCH_SIZE;
    private int bufferEvents = DEFAULT_BUFFER_EVENTS;
    private long pollIntervalMs = DEFAULT_POLL_INTERVAL_MS;
    private long pruneIntervalMs = DEFAULT_PRUNE_INTERVAL_MS;
    private long partitionMs = -1;
    private long reconnectMinMs = DEFAULT_RECONNECT_MIN_MS;
    private long reconnectMaxMs = DEFAULT_RECONNECT_MAX_MS;
    private String channel = DEFAULT_CHANNEL;
    private long writerLingerUs = DEFAULT_WRITER_LINGER_US;

    /**
     * Reads the server settings {@code pg-url}, {@code node-id}, {@code pg-retention-ms}, {@code pg-batch-size},
     * {@code pg-buffer-events} and {@code pg-linger-us}.
     *
     * @param settings      flag names without dashes.
     * @param defaultNodeId used when {@code node-id} is absent.
     * @return the validated configuration.
     * @throws IllegalArgumentException naming the bad setting.
     */
    public static RelayConfig fromSettings(final Map<String, String> settings, final String defaultNodeId)
    {
        for (final String name : settings.keySet())
        {
            if (name.startsWith("pg-") && !SETTINGS.contains(name))
            {
                throw new IllegalArgumentException("unknown relay setting " + name + " (flag --" + name +
                    " or variable RINGCAST_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_') +
                    "); the relay's settings are " + String.join(", ", SETTINGS));
            }
        }
        final RelayConfig c = new RelayConfig()
            .url(settings.get("pg-url"))
            .nodeId(settings.getOrDefault("node-id", defaultNodeId));
        final String retention = settings.get("pg-retention-ms");
        if (retention != null)
        {
            c.retentionMs(parseLong("pg-retention-ms", retention));
        }
        final String batch = settings.get("pg-batch-size");
        if (batch != null)
        {
            c.batchSize((int)parseLong("pg-batch-size", batch));
        }
        final String buffer = settings.get("pg-buffer-events");
        if (buffer != null)
        {
            c.bufferEvents((int)parseLong("pg-buffer-events", buffer));
        }
        final String linger = settings.get("pg-linger-us");
        if (linger != null)
        {
            c.writerLingerUs(parseLong("pg-linger-us", linger));
        }
        c.validate();
        return c;
    }

    private static long parseLong(final String name, final String value)
    {
        try
        {
            return Long.parseLong(value.trim());
        }
        catch (final NumberFormatException e)
        {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'", e);
        }
    }

    /** @param url JDBC URL of the PostgreSQL database, {@code jdbc:postgresql://...}; may carry user and password. */
    public RelayConfig url(final String url)
    {
        this.url = url;
        return this;
    }

    public String url()
    {
        return url;
    }

    /** @param nodeId this node's id, the origin of its outbox rows; must equal the engine's node id. */
    public RelayConfig nodeId(final String nodeId)
    {
        this.nodeId = nodeId;
        return this;
    }

    public String nodeId()
    {
        return nodeId;
    }

    /** @param ms how long outbox rows are kept before pruning. */
    public RelayConfig retentionMs(final long ms)
    {
        this.retentionMs = ms;
        return this;
    }

    public long retentionMs()
    {
        return retentionMs;
    }

    /** @param rows most rows per writer transaction (and per NOTIFY). */
    public RelayConfig batchSize(final int rows)
    {
        this.batchSize = rows;
        return this;
    }

    public int batchSize()
    {
        return batchSize;
    }

    /** @param events capacity of the writer's queue: events buffered while PostgreSQL is slow or down. */
    public RelayConfig bufferEvents(final int events)
    {
        this.bufferEvents = events;
        return this;
    }

    public int bufferEvents()
    {
        return bufferEvents;
    }

    /** @param ms longest the reader waits for a NOTIFY that needs a read before it reads anyway; at most half the retention. */
    public RelayConfig pollIntervalMs(final long ms)
    {
        this.pollIntervalMs = ms;
        return this;
    }

    public long pollIntervalMs()
    {
        return pollIntervalMs;
    }

    /** @param ms period of the pruner. */
    public RelayConfig pruneIntervalMs(final long ms)
    {
        this.pruneIntervalMs = ms;
        return this;
    }

    public long pruneIntervalMs()
    {
        return pruneIntervalMs;
    }

    /**
     * @param ms the time range of {@code created_at} one outbox partition holds; retention drops whole partitions, so
     *           a row is kept between the retention and the retention plus this (plus one pruner period). Default:
     *           the retention / {@value #DEFAULT_PARTITIONS_PER_RETENTION}, at least {@value #MIN_PARTITION_MS}.
     */
    public RelayConfig partitionMs(final long ms)
    {
        this.partitionMs = ms;
        return this;
    }

    public long partitionMs()
    {
        return partitionMs > 0 ? partitionMs : Math.max(MIN_PARTITION_MS, retentionMs / DEFAULT_PARTITIONS_PER_RETENTION);
    }

    /** @param ms first reconnect delay; doubles per failure up to {@link #reconnectMaxMs()}, with jitter. */
    public RelayConfig reconnectMinMs(final long ms)
    {
        this.reconnectMinMs = ms;
        return this;
    }

    public long reconnectMinMs()
    {
        return reconnectMinMs;
    }

    public RelayConfig reconnectMaxMs(final long ms)
    {
        this.reconnectMaxMs = ms;
        return this;
    }

    public long reconnectMaxMs()
    {
        return reconnectMaxMs;
    }

    /** @param channel the LISTEN/NOTIFY channel; all nodes sharing an outbox must use the same one. */
    public RelayConfig channel(final String channel)
    {
        this.channel = channel;
        return this;
    }

    public String channel()
    {
        return channel;
    }

    /**
     * @param us least time between the starts of two outbox batches while events keep coming: bounds commits and
     *           NOTIFYs to one per interval (bigger batches, less load on PostgreSQL and the readers) for at most
     *           this much added latency; 0 writes each batch as soon as the previous one committed.
     */
    public RelayConfig writerLingerUs(final long us)
    {
        this.writerLingerUs = us;
        return this;
    }

    public long writerLingerUs()
    {
        return writerLingerUs;
    }

    /** @throws IllegalArgumentException naming the first invalid setting and the accepted range. */
    public void validate()
    {
        if (url == null || !url.startsWith("jdbc:postgresql:"))
        {
            throw new IllegalArgumentException("pg-url must be a JDBC URL starting with jdbc:postgresql:, got " +
                (url == null ? "nothing" : "'" + redact(url) + "'"));
        }
        if (nodeId == null || !nodeId.matches("[A-Za-z0-9._-]{1,64}"))
        {
            throw new IllegalArgumentException("node-id must be 1..64 chars of [A-Za-z0-9._-], got '" + nodeId + "'");
        }
        require(retentionMs >= 1_000, "pg-retention-ms must be >= 1000, got " + retentionMs);
        require(batchSize >= 1 && batchSize <= MAX_BATCH_SIZE,
            "pg-batch-size must be in 1.." + MAX_BATCH_SIZE + ", got " + batchSize);
        require(bufferEvents >= batchSize && bufferEvents <= (1 << 26),
            "pg-buffer-events must be in pg-batch-size.." + (1 << 26) + ", got " + bufferEvents);
        require(pollIntervalMs >= 10, "pollIntervalMs must be >= 10, got " + pollIntervalMs);
        // the reader passes this node's own rows only when it reads, at the latest at a poll (ReadTrigger): they
        // must not reach retention first, or the pruner would look like it overtook the reader
        require(pollIntervalMs <= retentionMs / 2, "pollIntervalMs must be at most half of pg-retention-ms (" +
            retentionMs + "), got " + pollIntervalMs);
        require(pruneIntervalMs >= 10, "pruneIntervalMs must be >= 10, got " + pruneIntervalMs);
        require(writerLingerUs >= 0 && writerLingerUs <= 100_000,
            "pg-linger-us must be in 0..100000, got " + writerLingerUs);
        require(partitionMs == -1 || partitionMs >= MIN_PARTITION_MS && partitionMs <= retentionMs,
            "partitionMs must be in " + MIN_PARTITION_MS + "..pg-retention-ms (" + retentionMs + "), got " + partitionMs);
        require(reconnectMinMs >= 1 && reconnectMaxMs >= reconnectMinMs,
            "reconnect delays must satisfy 1 <= min <= max, got " + reconnectMinMs + ".." + reconnectMaxMs);
        require(channel != null && channel.matches("[a-z_][a-z0-9_]{0,62}"),
            "channel must be a lower-case SQL identifier, got '" + channel + "'");
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }

    /** @return the URL with any password parameter masked, for logs and error messages. */
    static String redact(final String url)
    {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***").replaceAll("//([^:/@]+):[^@/]*@", "//$1:***@");
    }
}
