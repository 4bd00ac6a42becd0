package io.ringcast.bench.peer;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.dsl.ProducerType;
import io.ringcast.engine.EngineConfig;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The smallest correct build of Ringcast's shape, and nothing else: a multi-producer Disruptor ring of the engine's
 * default size, one {@link EventHandler} that looks the event's topic up in a {@code topic -> subscribers} hash index
 * and try-offers into each subscriber's Agrona {@link OneToOneConcurrentArrayQueue}, counting drops. No history, no
 * enrichment, no commands, no wake-ups, no ids. The dispatcher waits with the benchmark's {@link Idle} policy
 * ({@code disruptor-minimal}), or with one of Disruptor's own wait strategies: {@code BlockingWaitStrategy}
 * ({@code disruptor-minimal-blocking}, the counterpart of Ringcast's default {@code BLOCKING}: the dispatcher sleeps
 * until a publisher signals) or {@code YieldingWaitStrategy} ({@code disruptor-minimal-yielding}, of
 * {@code YIELDING}). The engine issue compares Ringcast with this design "with the same wait strategy".
 *
 * <p>Thread-safety: as {@link Peer}.
 */
public final class DisruptorMinimalPeer implements Peer
{
    private static final VarHandle DROPS;

    static
    {
        try
        {
            DROPS = MethodHandles.lookup().findVarHandle(Sub.class, "drops", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final Supplier<WaitStrategy> waitStrategy;
    private final String waitDescription;
    private RingBuffer<Slot> ring;
    private BatchEventProcessor<Slot> processor;
    private Thread thread;
    private Sub[] subs;
    private BenchEvent[][] tokens;
    private Consumer<BenchEvent> handoff;

    /** The dispatcher waits with the benchmark's common {@link Idle} policy. */
    public DisruptorMinimalPeer()
    {
        this(Peers.DISRUPTOR_MINIMAL, IdleWaitStrategy::new, Idle.describe());
    }

    /**
     * @param name            the peer's name in reports.
     * @param waitStrategy    creates the ring's wait strategy (the dispatcher's waiting, and what a publish signals).
     * @param waitDescription how the dispatcher waits, for reports.
     */
    public DisruptorMinimalPeer(final String name, final Supplier<WaitStrategy> waitStrategy, final String waitDescription)
    {
        this.name = name;
        this.waitStrategy = waitStrategy;
        this.waitDescription = waitDescription;
    }

    @Override
    public void start(final Workload workload, final Sink sink)
    {
        tokens = BenchEvent.tokens(workload);
        subs = new Sub[workload.subscribers()];
        final Map<String, List<Sub>> byTopic = new HashMap<>();
        for (int i = 0; i < subs.length; i++)
        {
            subs[i] = new Sub(workload.queueCapacity());
            byTopic.computeIfAbsent(Workload.topicName(i % workload.topics()), k -> new ArrayList<>()).add(subs[i]);
        }
        final Map<String, Sub[]> index = new HashMap<>();
        byTopic.forEach((topic, list) -> index.put(topic, list.toArray(new Sub[0])));
        handoff = e -> sink.accept(e.stamp);

        ring = RingBuffer.create(ProducerType.MULTI, Slot::new, EngineConfig.DEFAULT_RING_SIZE, waitStrategy.get());
        processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), new Dispatch(index));
        ring.addGatingSequences(processor.getSequence());
        thread = new Thread(processor, name + "-dispatcher");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public boolean offer(final int topic, final int stamp)
    {
        final long seq;
        try
        {
            seq = ring.tryNext();
        }
        catch (final InsufficientCapacityException e)
        {
            return false;
        }
        ring.get(seq).event = tokens[topic][stamp];
        ring.publish(seq);
        return true;
    }

    @Override
    public int drainRound(final int batch)
    {
        int n = 0;
        for (final Sub s : subs)
        {
            n += s.queue.drain(handoff, batch);
        }
        return n;
    }

    @Override
    public long drops()
    {
        long d = 0;
        for (final Sub s : subs)
        {
            d += (long)DROPS.getOpaque(s);
        }
        return d;
    }

    @Override
    public String describe()
    {
        return name + ": MULTI ring of " + EngineConfig.DEFAULT_RING_SIZE + ", HashMap topic index, " +
            "OneToOneConcurrentArrayQueue per subscriber, dispatcher idle: " + waitDescription;
    }

    @Override
    public void close()
    {
        if (processor != null)
        {
            processor.halt();
            try
            {
                thread.join(5_000);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Slot
    {
        BenchEvent event;
    }

    private static final class Sub
    {
        final OneToOneConcurrentArrayQueue<BenchEvent> queue;
        long drops;

        Sub(final int capacity)
        {
            queue = new OneToOneConcurrentArrayQueue<>(capacity);
        }
    }

    private static final class Dispatch implements EventHandler<Slot>
    {
        private final Map<String, Sub[]> index;

        Dispatch(final Map<String, Sub[]> index)
        {
            this.index = index;
        }

        @Override
        public void onEvent(final Slot slot, final long sequence, final boolean endOfBatch)
        {
            final BenchEvent e = slot.event;
            final Sub[] matching = index.get(e.topic);
            if (matching != null)
            {
                for (final Sub s : matching)
                {
                    if (!s.queue.offer(e))
                    {
                        DROPS.setOpaque(s, s.drops + 1);
                    }
                }
            }
        }
    }

    /** Disruptor wait strategy over the common {@link Idle} policy; publishers never signal. */
    private static final class IdleWaitStrategy implements WaitStrategy
    {
        private final IdleStrategy idle = Idle.strategy();

        @Override
        public long waitFor(
            final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
            throws AlertException
        {
            long available;
            idle.reset();
            while ((available = dependentSequence.get()) < sequence)
            {
                barrier.checkAlert();
                idle.idle();
            }
            return available;
        }

        @Override
        public void signalAllWhenBlocking()
        {
        }
    }
}
