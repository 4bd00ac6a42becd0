package io.ringcast.systemtest.relay.support;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.Filter;
import io.ringcast.engine.Message;
import io.ringcast.engine.SlowConsumerPolicy;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.engine.WaitStrategyKind;
import io.ringcast.engine.spi.MetricSink;
import io.ringcast.engine.spi.ReplicationHealth;
import io.ringcast.relay.pg.PgRelay;
import io.ringcast.relay.pg.RelayConfig;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * One node of a test cluster: an engine, its PostgreSQL relay, and one subscriber to everything whose events a
 * collector thread records per origin, counting anything delivered twice or out of its origin's order.
 *
 * <p>Threads: the collector thread records; the test thread reads the figures (they are concurrent collections or
 * atomics) and publishes.
 */
public final class RelayNode implements AutoCloseable
{
    private final String nodeId;
    private final PgRelay relay;
    private final Engine engine;
    private final Subscription subscription;
    private final Thread collector;
    private final Map<String, List<Long>> received = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeq = new HashMap<>();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final AtomicLong total = new AtomicLong();
    private final List<Long> published = new ArrayList<>();
    private volatile boolean running = true;

    public RelayNode(final String nodeId, final RelayConfig relayConfig)
    {
        this(nodeId, relayConfig, new EngineConfig());
    }

    public RelayNode(final String nodeId, final RelayConfig relayConfig, final EngineConfig config)
    {
        this.nodeId = nodeId;
        this.relay = new PgRelay(relayConfig.nodeId(nodeId));
        config.ringSize(16 * 1024).waitStrategy(WaitStrategyKind.BLOCKING);
        relay.configure(config);
        this.engine = Engine.start(config);
        relay.start(engine.replicaPublisher());
        this.subscription = engine.subscribe(Filter.all(),
            SubscribeOptions.defaults().queueCapacity(1 << 18).policy(SlowConsumerPolicy.DROP_NEWEST));
        this.collector = new Thread(this::collect, "test-collector-" + nodeId);
        this.collector.setDaemon(true);
        this.collector.start();
    }

    /** @return relay settings for tests: fast reconnects and polls, given URL. */
    public static RelayConfig config(final String url)
    {
        return new RelayConfig().url(url).reconnectMinMs(20).reconnectMaxMs(500).pollIntervalMs(200);
    }

    private void collect()
    {
        while (running)
        {
            if (subscription.drain(this::record, 4096) == 0)
            {
                LockSupport.parkNanos(500_000);
            }
        }
    }

    private void record(final Event e)
    {
        final Long last = lastSeq.put(e.origin(), e.originSequence());
        if (last != null && last >= e.originSequence())
        {
            outOfOrder.incrementAndGet();
        }
        received.computeIfAbsent(e.origin(), k -> Collections.synchronizedList(new ArrayList<>()))
            .add(e.originSequence());
        total.incrementAndGet();
    }

    /** Publishes, waiting for ring space, and remembers the id. Call from one thread per node. */
    public long publish(final String topic, final String payload)
    {
        final long id = engine.publish(Message.builder(topic).type("t").attribute("k", "v").payload(payload).build());
        synchronized (published)
        {
            published.add(id);
        }
        return id;
    }

    public List<Long> published()
    {
        synchronized (published)
        {
            return new ArrayList<>(published);
        }
    }

    /** @return what this node's subscriber got from {@code origin}, in delivery order. */
    public List<Long> receivedFrom(final String origin)
    {
        final List<Long> l = received.get(origin);
        if (l == null)
        {
            return List.of();
        }
        synchronized (l)
        {
            return new ArrayList<>(l);
        }
    }

    public long receivedTotal()
    {
        return total.get();
    }

    public long outOfOrder()
    {
        return outOfOrder.get();
    }

    public long subscriberDropped()
    {
        return subscription.dropped();
    }

    public ReplicationHealth health()
    {
        return relay.health();
    }

    /** @return one relay figure by name, as reported to {@code /metrics}. */
    public double metric(final String name)
    {
        final double[] value = {Double.NaN};
        relay.metrics(new MetricSink()
        {
            @Override
            public void counter(final String n, final String help, final long v)
            {
                if (n.equals(name))
                {
                    value[0] = v;
                }
            }

            @Override
            public void gauge(final String n, final String help, final double v)
            {
                if (n.equals(name))
                {
                    value[0] = v;
                }
            }
        });
        return value[0];
    }

    public String nodeId()
    {
        return nodeId;
    }

    public Engine engine()
    {
        return engine;
    }

    public PgRelay relay()
    {
        return relay;
    }

    @Override
    public void close()
    {
        running = false;
        relay.close();
        engine.close();
    }

    /**
     * Waits for a condition.
     *
     * @throws AssertionError with {@code what} and the detail when it does not hold within {@code timeoutMs}.
     */
    public static void await(final String what, final long timeoutMs, final BooleanSupplier condition,
        final Supplier<String> detail)
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean())
        {
            if (System.currentTimeMillis() > deadline)
            {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what + ": " +
                    detail.get());
            }
            LockSupport.parkNanos(10_000_000);
        }
    }
}
