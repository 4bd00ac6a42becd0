package io.ringcast.sse;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.spi.MetricSink;
import io.ringcast.engine.spi.Replication;
import io.ringcast.engine.spi.ReplicationHealth;
import io.ringcast.engine.spi.ReplicationProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** A replication provider for tests, configured by the setting {@code fake-replication}; records its life cycle. */
public final class FakeReplicationProvider implements ReplicationProvider
{
    static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String name()
    {
        return "fake";
    }

    @Override
    public boolean isConfigured(final Map<String, String> settings)
    {
        return settings.containsKey("fake-replication");
    }

    @Override
    public Replication create(final Map<String, String> settings, final String nodeId)
    {
        if ("invalid".equals(settings.get("fake-replication")))
        {
            throw new IllegalArgumentException("fake-replication: 'invalid' is not accepted");
        }
        CALLS.add("create " + nodeId);
        return new Replication()
        {
            @Override
            public void configure(final EngineConfig config)
            {
                CALLS.add("configure");
            }

            @Override
            public void start(final Engine engine)
            {
                CALLS.add("start " + engine.nodeId());
            }

            @Override
            public ReplicationHealth health()
            {
                return new ReplicationHealth("degraded", "peer unreachable");
            }

            @Override
            public void metrics(final MetricSink sink)
            {
                sink.counter("relay_written_total", "Events written to the relay", 7);
                sink.gauge("relay_lag_seconds", "Relay lag", 0.25);
            }

            @Override
            public void close()
            {
                CALLS.add("close");
            }
        };
    }
}
