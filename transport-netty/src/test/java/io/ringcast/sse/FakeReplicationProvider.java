package io.ringcast.sse;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Filter;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.spi.ResumedStream;
import io.ringcast.engine.spi.MetricSink;
import io.ringcast.engine.spi.Replication;
import io.ringcast.engine.spi.ReplicationHealth;
import io.ringcast.engine.spi.ReplicationProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A replication provider for tests, configured by the setting {@code fake-replication}; records its life cycle. With
 * {@code fake-replication=blocking-resume}, {@link Replication#resume} blocks until {@link #RESUME_GATE} opens, then
 * declines (returns {@code null}). With {@code fake-replication=failing-resume} it does what a store that cannot be
 * reached does: registers the live subscription, closes it again, and throws. With
 * {@code fake-replication=overflowing-resume} it registers the live subscription and waits until the engine closes it
 * (its queue overflowed while the resume was still "reading storage"), then declines.
 */
public final class FakeReplicationProvider implements ReplicationProvider
{
    static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());
    static final AtomicInteger RESUMES_ENTERED = new AtomicInteger();
    static volatile CountDownLatch RESUME_GATE = new CountDownLatch(0);

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
        final boolean blockingResume = "blocking-resume".equals(settings.get("fake-replication"));
        final boolean failingResume = "failing-resume".equals(settings.get("fake-replication"));
        final boolean overflowingResume = "overflowing-resume".equals(settings.get("fake-replication"));
        return new Replication()
        {
            @Override
            public ResumedStream resume(
                final Engine engine, final Filter filter, final SubscribeOptions options, final String lastEventId)
                throws Exception
            {
                if (blockingResume)
                {
                    RESUMES_ENTERED.incrementAndGet();
                    RESUME_GATE.await();
                }
                if (overflowingResume)
                {
                    final io.ringcast.engine.Subscription s = engine.subscribe(filter, options);
                    RESUMES_ENTERED.incrementAndGet();
                    final long deadline = System.nanoTime() + 20_000_000_000L;
                    while (!s.isClosed() && System.nanoTime() < deadline)
                    {
                        Thread.sleep(1);
                    }
                    return null;
                }
                if (failingResume)
                {
                    final io.ringcast.engine.Subscription s = engine.subscribe(filter, options);
                    s.close();
                    final long deadline = System.nanoTime() + 5_000_000_000L;
                    while (!s.isClosed() && System.nanoTime() < deadline)
                    {
                        Thread.sleep(1);
                    }
                    Thread.sleep(20); // the connection attempt fails after the close has reached the stream
                    throw new java.sql.SQLException("Connection to 127.0.0.1:5432 refused");
                }
                return null;
            }

            @Override
            public void configure(final EngineConfig config)
            {
                CALLS.add("configure");
            }

            @Override
            public void start(final io.ringcast.engine.spi.ReplicaPublisher engine)
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
