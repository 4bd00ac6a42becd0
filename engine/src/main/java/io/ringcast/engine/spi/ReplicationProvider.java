package io.ringcast.engine.spi;

import java.util.Map;

/**
 * Finds a replication implementation at runtime through {@link java.util.ServiceLoader}, so a server can offer
 * cross-replica fan-out without compiling against it (the PostgreSQL relay registers one in
 * {@code META-INF/services/io.ringcast.engine.spi.ReplicationProvider}).
 *
 * <p>Implementations must be thread-safe and cheap to construct; real work starts in {@link #create}.
 */
public interface ReplicationProvider
{
    /** @return a short name for logs and {@code /healthz}, for example {@code "postgres"}. */
    String name();

    /**
     * @param settings the server's settings (flag names without leading dashes, for example {@code pg-url}).
     * @return {@code true} when the settings ask for this provider.
     */
    boolean isConfigured(Map<String, String> settings);

    /**
     * Creates the replication before the engine starts.
     *
     * @param settings the server's settings.
     * @param nodeId   this node's id, as given to the engine.
     * @return the replication, not yet started.
     * @throws Exception when the settings are invalid; the message says which setting and why.
     */
    Replication create(Map<String, String> settings, String nodeId) throws Exception;
}
