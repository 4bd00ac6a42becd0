package io.ringcast.relay.pg;

import io.ringcast.engine.spi.Replication;
import io.ringcast.engine.spi.ReplicationProvider;

import java.util.Map;

/**
 * Offers {@link PgRelay} through {@link java.util.ServiceLoader}. Settings: {@code pg-url} (required; turns the relay
 * on), {@code node-id}, and optional {@code pg-retention-ms}, {@code pg-batch-size}, {@code pg-buffer-events}.
 * Thread-safe and stateless.
 */
public final class PgReplicationProvider implements ReplicationProvider
{
    @Override
    public String name()
    {
        return "postgres";
    }

    @Override
    public boolean isConfigured(final Map<String, String> settings)
    {
        final String url = settings.get("pg-url");
        return url != null && !url.isBlank();
    }

    @Override
    public Replication create(final Map<String, String> settings, final String nodeId)
    {
        return new PgRelay(RelayConfig.fromSettings(settings, nodeId));
    }
}
