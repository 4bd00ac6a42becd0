package io.ringcast.bench.peer;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

/**
 * The JDK's {@link SubmissionPublisher}: one buffer per subscriber (capacity = the workload's queue capacity), a
 * one-thread executor that runs every subscriber's consumer task (that thread is this peer's consumer thread), and
 * {@code offer(item, onDrop)} with an {@code onDrop} that counts the drop and does not retry. It has no routing: every
 * subscriber receives every event and filters for itself on its consumer thread.
 *
 * <p>Thread-safety: as {@link Peer}; {@code offer} is thread-safe in the JDK implementation.
 */
public final class SubmissionPublisherPeer implements Peer
{
    private final AtomicLong drops = new AtomicLong();
    private final BiPredicate<Flow.Subscriber<? super BenchEvent>, BenchEvent> onDrop = (s, e) ->
    {
        drops.incrementAndGet();
        return false;
    };
    private ExecutorService executor;
    private SubmissionPublisher<BenchEvent> publisher;
    private BenchEvent[][] tokens;

    @Override
    public void start(final Workload workload, final Sink sink)
    {
        tokens = BenchEvent.tokens(workload);
        executor = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "submission-publisher-consumer");
            t.setDaemon(true);
            return t;
        });
        publisher = new SubmissionPublisher<>(executor, workload.queueCapacity());
        for (int i = 0; i < workload.subscribers(); i++)
        {
            publisher.subscribe(new TopicSubscriber(Workload.topicName(i % workload.topics()), sink));
        }
        while (publisher.getNumberOfSubscribers() < workload.subscribers())
        {
            Thread.onSpinWait();
        }
    }

    @Override
    public boolean offer(final int topic, final int stamp)
    {
        publisher.offer(tokens[topic][stamp], onDrop);
        return true;
    }

    @Override
    public int drainRound(final int batch)
    {
        throw new UnsupportedOperationException("SubmissionPublisher delivers on its own executor thread");
    }

    @Override
    public boolean ownsConsumerThread()
    {
        return true;
    }

    @Override
    public long drops()
    {
        return drops.get();
    }

    @Override
    public String describe()
    {
        return "submission-publisher: JDK SubmissionPublisher, maxBufferCapacity=queueCapacity, 1-thread executor, " +
            "offer(item, onDrop -> count, no retry), subscribers filter in onNext";
    }

    @Override
    public void close()
    {
        if (publisher != null)
        {
            publisher.close();
        }
        if (executor != null)
        {
            executor.shutdownNow();
            try
            {
                executor.awaitTermination(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs on the executor thread: the subscriber-side filter, then the sink. */
    private static final class TopicSubscriber implements Flow.Subscriber<BenchEvent>
    {
        private final String topic;
        private final Sink sink;

        TopicSubscriber(final String topic, final Sink sink)
        {
            this.topic = topic;
            this.sink = sink;
        }

        @Override
        public void onSubscribe(final Flow.Subscription subscription)
        {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(final BenchEvent item)
        {
            if (topic.equals(item.topic))
            {
                sink.accept(item.stamp);
                sink.flush();
            }
        }

        @Override
        public void onError(final Throwable throwable)
        {
        }

        @Override
        public void onComplete()
        {
        }
    }
}
