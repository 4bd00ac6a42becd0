package io.ringcast.bench.peer;

import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Sinks;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Project Reactor's {@code Sinks.many().multicast().directBestEffort()}. It has no thread of its own: {@code
 * tryEmitNext} runs every subscriber's {@code filter} and {@code onNext} on the publishing thread. Each subscriber
 * filters with {@code Flux.filter} for its topic, requests unbounded demand and try-offers into its own bounded queue
 * (Agrona {@link OneToOneConcurrentArrayQueue}; the sink serialises emissions, so there is one producer at a time),
 * counting what does not fit. With two publishers, {@code FAIL_NON_SERIALIZED} is retried.
 *
 * <p>Thread-safety: as {@link Peer}.
 */
public final class ReactorPeer implements Peer
{
    private final AtomicLong drops = new AtomicLong();
    private Sinks.Many<BenchEvent> sinkMany;
    private QueueSubscriber[] subscribers;
    private BenchEvent[][] tokens;
    private Consumer<BenchEvent> handoff;

    @Override
    public void start(final Workload workload, final Sink sink)
    {
        handoff = e -> sink.accept(e.stamp);
        tokens = BenchEvent.tokens(workload);
        sinkMany = Sinks.many().multicast().directBestEffort();
        subscribers = new QueueSubscriber[workload.subscribers()];
        for (int i = 0; i < subscribers.length; i++)
        {
            final String topic = Workload.topicName(i % workload.topics());
            subscribers[i] = new QueueSubscriber(workload.queueCapacity(), drops);
            sinkMany.asFlux().filter(e -> topic.equals(e.topic)).subscribe(subscribers[i]);
        }
    }

    @Override
    public boolean offer(final int topic, final int stamp)
    {
        final BenchEvent e = tokens[topic][stamp];
        while (true)
        {
            final Sinks.EmitResult r = sinkMany.tryEmitNext(e);
            if (r == Sinks.EmitResult.FAIL_NON_SERIALIZED)
            {
                Thread.onSpinWait();
                continue;
            }
            return r.isSuccess();
        }
    }

    @Override
    public int drainRound(final int batch)
    {
        int n = 0;
        for (final QueueSubscriber s : subscribers)
        {
            n += s.queue.drain(handoff, batch);
        }
        return n;
    }

    @Override
    public long drops()
    {
        return drops.get();
    }

    @Override
    public String describe()
    {
        return "reactor: Sinks.many().multicast().directBestEffort(), Flux.filter per subscriber, unbounded request, " +
            "OneToOneConcurrentArrayQueue per subscriber, dispatch on the publisher thread";
    }

    @Override
    public void close()
    {
        if (sinkMany != null)
        {
            sinkMany.tryEmitComplete();
        }
    }

    private static final class QueueSubscriber extends BaseSubscriber<BenchEvent>
    {
        final OneToOneConcurrentArrayQueue<BenchEvent> queue;
        private final AtomicLong drops;

        QueueSubscriber(final int capacity, final AtomicLong drops)
        {
            this.queue = new OneToOneConcurrentArrayQueue<>(capacity);
            this.drops = drops;
        }

        @Override
        protected void hookOnSubscribe(final Subscription subscription)
        {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        protected void hookOnNext(final BenchEvent value)
        {
            if (!queue.offer(value))
            {
                drops.incrementAndGet();
            }
        }
    }
}
