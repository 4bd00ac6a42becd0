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
    /** What to open. Immutable. */
    record Settings(
        Path directory, long retentionBytes, long retentionMs, Map<String, String> consumers, int maxEventBytes)
    {
        /**
         * @param directory      where the segments live (created if needed).
         * @param retentionBytes oldest whole segments are deleted beyond this many bytes.
         * @param retentionMs    whole segments whose newest event is older than this are deleted.
         * @param consumers      named consumers and where each starts before its first commit ({@code beginning},
         *                       {@code latest}, {@code after:<id>}, {@code time:<epoch ms>}), in order.
         * @param maxEventBytes  the largest payload of one event the transport accepts: the store sizes its buffers
         *                       to take every such event.
         */
        public Settings
        {
            consumers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(consumers));
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
