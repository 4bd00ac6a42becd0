package io.ringcast.engine.spi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens a {@link DurableStore} (the local journal), found at runtime through {@link java.util.ServiceLoader} like a
 * {@link ReplicationProvider}, so a transport can keep events on disk without compiling against the store's module
 * (the journal registers one in {@code META-INF/services/io.ringcast.engine.spi.DurableStoreProvider}).
 *
 * <p>Implementations must be thread-safe and cheap to construct; real work starts in {@link #open}.
 */
public interface DurableStoreProvider
{
    /** The default of {@link Settings#writeIntervalMs()}. */
    long DEFAULT_WRITE_INTERVAL_MS = 5;
    /** The default of {@link Settings#syncIntervalMs()}. */
    long DEFAULT_SYNC_INTERVAL_MS = 1000;

    /** What to open. Immutable. */
    record Settings(
        Path directory, long retentionBytes, long retentionMs, Map<String, String> consumers, int maxEventBytes,
        long writeIntervalMs, long syncIntervalMs)
    {
        /**
         * @param directory      where the segments live (created if needed).
         * @param retentionBytes oldest whole segments are deleted beyond this many bytes.
         * @param retentionMs    whole segments whose newest event is older than this are deleted.
         * @param consumers      named consumers and where each starts before its first commit ({@code beginning},
         *                       {@code latest}, {@code after:<id>}, {@code time:<epoch ms>}), in order.
         * @param maxEventBytes  the largest payload of one event the transport accepts: the store sizes its buffers
         *                       to take every such event.
         * @param writeIntervalMs while events flow, the store hands them to the operating system at least this often
         *                        (what a {@code kill -9} may lose of memory-acknowledged events); 0: after every batch.
         * @param syncIntervalMs  written data reaches the device at least this often (what power loss may lose of
         *                        them); 0: after every write. Durable acknowledgements never wait for either.
         */
        public Settings
        {
            consumers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(consumers));
        }

        /** Settings with the store's default write (5 ms) and sync (1 s) intervals. */
        public Settings(
            final Path directory, final long retentionBytes, final long retentionMs, final Map<String, String> consumers,
            final int maxEventBytes)
        {
            this(directory, retentionBytes, retentionMs, consumers, maxEventBytes, DEFAULT_WRITE_INTERVAL_MS,
                DEFAULT_SYNC_INTERVAL_MS);
        }
    }

    /** @return a short name for logs, for example {@code "journal"}. */
    String name();

    /**
     * Checks a consumer's seek text without opening anything.
     *
     * @throws IllegalArgumentException naming what is accepted.
     */
    void checkSeek(String seek);

    /**
     * Opens (creating, recovering) the store and starts its writer.
     *
     * @throws IOException              when the directory cannot be used; the message names it.
     * @throws IllegalArgumentException naming an invalid setting.
     */
    DurableStore open(Settings settings) throws IOException;
}
