package io.ringcast.sse;

import io.ringcast.engine.spi.Replication;
import io.ringcast.engine.spi.ReplicationProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Finds the replication the settings ask for among the {@link ReplicationProvider}s on the class path
 * ({@link ServiceLoader}); the server never compiles against any of them. Called once, at start, on the starting
 * thread.
 */
final class Replications
{
    private static final Logger LOG = LoggerFactory.getLogger(Replications.class);

    /** A created replication and the name of its provider. */
    record Found(String name, Replication replication)
    {
    }

    private Replications()
    {
    }

    /**
     * @return the configured replication (not yet configured into the engine), or {@code null} when no provider's
     *         settings are given.
     * @throws IllegalArgumentException when several providers are configured or one refuses its settings.
     */
    static Found create(final Map<String, String> settings, final String nodeId)
    {
        final List<ReplicationProvider> configured = new ArrayList<>();
        for (final ReplicationProvider provider : ServiceLoader.load(ReplicationProvider.class))
        {
            LOG.debug("replication provider '{}' available", provider.name());
            if (provider.isConfigured(settings))
            {
                configured.add(provider);
            }
        }
        if (configured.isEmpty())
        {
            if (settings.keySet().stream().anyMatch(k -> k.startsWith("pg-")))
            {
                throw new IllegalArgumentException("PostgreSQL settings were given but no replication provider " +
                    "accepts them (is ringcast-relay-pg on the class path, and --pg-url set?)");
            }
            return null;
        }
        if (configured.size() > 1)
        {
            throw new IllegalArgumentException("settings configure several replication providers: " +
                configured.stream().map(ReplicationProvider::name).toList() + "; configure one");
        }
        final ReplicationProvider provider = configured.get(0);
        try
        {
            final Replication replication = provider.create(settings, nodeId);
            LOG.info("replication '{}' enabled for node '{}'", provider.name(), nodeId);
            return new Found(provider.name(), replication);
        }
        catch (final IllegalArgumentException e)
        {
            throw e;
        }
        catch (final Exception e)
        {
            throw new IllegalArgumentException(
                "replication '" + provider.name() + "' could not be created: " + e.getMessage(), e);
        }
    }
}
