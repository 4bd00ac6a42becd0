package io.ringcast.bench;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.ProducerType;
import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.EventHandler;
import io.ringcast.engine.Filter;
import io.ringcast.engine.Message;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.journal.Journal;
import io.ringcast.journal.JournalConfig;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The work per event of one duty cycle, on one thread: publish {@value #BATCH} events, dispatch them as one batch,
 * drain every subscription. Ringcast runs driven ({@link EngineConfig#dispatchDriver}, {@link Engine#dispatch()} on
 * the benchmark thread); the minimal Disruptor + Agrona design (a multi-producer ring polled with an
 * {@link EventPoller}, a {@code HashMap} topic index, one {@link OneToOneConcurrentArrayQueue} per subscriber) does
 * the same three steps. No thread hands anything to another, so the figure is the instructions and cache traffic of
 * the code itself — robust to other load on the machine, and blind to what crossing cores costs (the thread-to-thread
 * suites measure that). Score: ns per event, all subscribers' deliveries included.
 *
 * <p>Thread-safety: JMH runs one benchmark thread per state.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class DutyCycleBenchmark
{
    static final int BATCH = 64;
    private static final String TOPIC = "t0";

    @Param({"ringcast", "ringcast-journal", "disruptor-minimal"})
    public String peer;

    @Param({"1", "16", "256"})
    public int subscribers;

    /** Ringcast's history bound in events; 0 for the engine's default. */
    @Param({"0"})
    public int history;

    private Engine engine;
    private Journal journal;
    private Path journalDirectory;
    private Subscription[] subscriptions;
    private Message message;
    private EventHandler handler;
    private Blackhole blackhole;

    private RingBuffer<Slot> ring;
    private EventPoller<Slot> poller;
    private EventPoller.Handler<Slot> pollHandler;
    private Map<String, OneToOneConcurrentArrayQueue<Token>[]> index;
    private OneToOneConcurrentArrayQueue<Token>[] queues;
    private Token token;
    private java.util.function.Consumer<Token> sink;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp(final Blackhole blackhole) throws IOException
    {
        this.blackhole = blackhole;
        if (peer.startsWith("ringcast"))
        {
            final EngineConfig config = new EngineConfig().nodeId("bench").dispatchDriver(() -> { });
            if (history > 0)
            {
                config.historyMaxEvents(history);
            }
            if ("ringcast-journal".equals(peer))
            {
                journalDirectory = Files.createTempDirectory("ringcast-bench-journal");
                journal = Journal.open(new JournalConfig().directory(journalDirectory));
                journal.configure(config);
            }
            engine = Engine.start(config);
            subscriptions = new Subscription[subscribers];
            for (int i = 0; i < subscribers; i++)
            {
                subscriptions[i] = engine.subscribeAsync(Filter.topic(TOPIC), SubscribeOptions.defaults().queueCapacity(1024));
            }
            while (engine.dispatch() || !subscriptions[subscribers - 1].isRegistered())
            {
                Thread.onSpinWait();
            }
            message = Message.of(TOPIC, new byte[] {0, 0, 0, 42});
            handler = e -> blackhole.consume(e.payloadBuffer().getInt(0));
        }
        else if ("disruptor-minimal".equals(peer))
        {
            ring = RingBuffer.create(ProducerType.MULTI, Slot::new, EngineConfig.DEFAULT_RING_SIZE,
                new com.lmax.disruptor.BusySpinWaitStrategy());
            poller = ring.newPoller();
            ring.addGatingSequences(poller.getSequence());
            queues = new OneToOneConcurrentArrayQueue[subscribers];
            for (int i = 0; i < subscribers; i++)
            {
                queues[i] = new OneToOneConcurrentArrayQueue<>(1024);
            }
            index = new HashMap<>();
            index.put(TOPIC, queues);
            token = new Token(TOPIC, 42);
            sink = t -> blackhole.consume(t.stamp);
            pollHandler = (slot, sequence, endOfBatch) ->
            {
                final OneToOneConcurrentArrayQueue<Token>[] matching = index.get(slot.token.topic);
                if (matching != null)
                {
                    for (final OneToOneConcurrentArrayQueue<Token> q : matching)
                    {
                        q.offer(slot.token);
                    }
                }
                return true;
            };
        }
        else
        {
            throw new IllegalArgumentException("unknown peer '" + peer + "'");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        if (engine != null)
        {
            engine.close();
            engine.dispatch();
        }
        if (journal != null)
        {
            journal.close();
            try (Stream<Path> files = Files.walk(journalDirectory))
            {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int cycle() throws Exception
    {
        return engine != null ? ringcastCycle() : minimalCycle();
    }

    private int ringcastCycle()
    {
        for (int i = 0; i < BATCH; i++)
        {
            if (engine.tryPublish(message) < 0)
            {
                throw new IllegalStateException("ring full");
            }
        }
        engine.dispatch();
        int n = 0;
        for (final Subscription s : subscriptions)
        {
            n += s.drain(handler, BATCH);
        }
        return n;
    }

    private int minimalCycle() throws Exception
    {
        for (int i = 0; i < BATCH; i++)
        {
            final long seq = ring.tryNext();
            ring.get(seq).token = token;
            ring.publish(seq);
        }
        poller.poll(pollHandler);
        int n = 0;
        for (final OneToOneConcurrentArrayQueue<Token> q : queues)
        {
            n += q.drain(sink, BATCH);
        }
        return n;
    }

    private static final class Slot
    {
        Token token;
    }

    private static final class Token
    {
        final String topic;
        final int stamp;

        Token(final String topic, final int stamp)
        {
            this.topic = topic;
            this.stamp = stamp;
        }
    }
}
