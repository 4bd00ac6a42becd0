package io.ringcast.bench.peer;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.EventHandler;
import io.ringcast.engine.Filter;
import io.ringcast.engine.Message;
import io.ringcast.engine.ProducerMode;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.engine.Topic;
import io.ringcast.engine.WaitStrategyKind;
import io.ringcast.journal.Journal;
import io.ringcast.journal.JournalConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Ringcast through its public API, as it ships: default ring, history and wait strategy
 * ({@link WaitStrategyKind#BLOCKING}); only the producer mode and the queue capacity are set. Publishing is
 * {@link Engine#tryPublish} of preallocated messages (a message may be published many times), built with the topic's
 * handle ({@link Engine#topic(String)}, resolved once, as a publisher to a known set of topics does) unless the peer
 * is {@link Peers#RINGCAST_NAMES} (built with the topic's name: the dispatcher then looks the name up per event); the
 * consumer drains every subscription with {@link Subscription#drain}.
 *
 * <p>Thread-safety: as {@link Peer}.
 */
public final class RingcastPeer implements Peer
{
    private final ProducerMode producerMode;
    private final WaitStrategyKind waitStrategy;
    private final int historyMaxEvents;
    private final boolean journaled;
    /** Creates the journal's stand-in ({@link BenchFollower}), or {@code null} for none. */
    private final java.util.function.Supplier<BenchFollower.Sink> followerSink;
    private final boolean topicHandles;
    /** The dispatcher runs on the publishing thread ({@link EngineConfig#dispatchDriver}): one dispatch per offer. */
    private final boolean inline;
    private BenchFollower follower;
    private String followerDescription;
    private Journal journal;
    private Path journalDirectory;
    private Engine engine;
    private Subscription[] subscriptions;
    private Message[][] tokens;
    private EventHandler handler;

    public RingcastPeer(final ProducerMode producerMode, final WaitStrategyKind waitStrategy)
    {
        this(producerMode, waitStrategy, EngineConfig.DEFAULT_HISTORY_MAX_EVENTS);
    }

    /** @param historyMaxEvents the in-memory history bound; 0 turns the history (and resume from memory) off. */
    public RingcastPeer(final ProducerMode producerMode, final WaitStrategyKind waitStrategy, final int historyMaxEvents)
    {
        this(producerMode, waitStrategy, historyMaxEvents, false);
    }

    /**
     * @param journaled with the journal as the server runs it by default (a fresh directory under
     *                  {@code java.io.tmpdir}, default flush policy, memory acknowledgements), deleted on close.
     */
    public RingcastPeer(
        final ProducerMode producerMode, final WaitStrategyKind waitStrategy, final int historyMaxEvents,
        final boolean journaled)
    {
        this(producerMode, waitStrategy, historyMaxEvents, journaled, null, true, false);
    }

    /**
     * @param followerSink instead of the journal, a {@link BenchFollower} handing every event to a sink this creates
     *                     (the journal-overhead study's stand-ins); {@code null} for none.
     * @param topicHandles messages built with topic handles; {@code false}: with topic names.
     * @param inline       no dispatcher thread: the engine is configured with a {@link io.ringcast.engine.DispatchDriver}
     *                     and the publishing thread calls {@link Engine#dispatch()} after each publish (two threads, as
     *                     SubmissionPublisher and Reactor have); one publisher only.
     */
    RingcastPeer(
        final ProducerMode producerMode, final WaitStrategyKind waitStrategy, final int historyMaxEvents,
        final boolean journaled, final java.util.function.Supplier<BenchFollower.Sink> followerSink,
        final boolean topicHandles, final boolean inline)
    {
        this.producerMode = producerMode;
        this.waitStrategy = waitStrategy;
        this.historyMaxEvents = historyMaxEvents;
        this.journaled = journaled;
        this.followerSink = followerSink;
        this.topicHandles = topicHandles;
        this.inline = inline;
    }

    @Override
    public void start(final Workload workload, final Sink sink)
    {
        if (inline && workload.producers() > 1)
        {
            throw new IllegalArgumentException("the inline dispatcher runs on the one publishing thread; " +
                workload.producers() + " publishers were asked for");
        }
        if (producerMode == ProducerMode.SINGLE && workload.producers() > 1)
        {
            throw new IllegalArgumentException("a SINGLE producer ring cannot take " + workload.producers() + " publishers");
        }
        final EngineConfig config = new EngineConfig().producerMode(producerMode).waitStrategy(waitStrategy)
            .historyMaxEvents(historyMaxEvents).nodeId("bench");
        if (inline)
        {
            config.dispatchDriver(() -> { }); // the publisher dispatches after every offer: no wake-up to deliver
        }
        if (journaled)
        {
            try
            {
                journalDirectory = Files.createTempDirectory("ringcast-bench-journal");
                journal = Journal.open(new JournalConfig().directory(journalDirectory));
            }
            catch (final IOException e)
            {
                throw new UncheckedIOException(e);
            }
            journal.configure(config);
        }
        if (followerSink != null)
        {
            final BenchFollower.Sink followerOutput = followerSink.get();
            followerDescription = followerOutput.toString();
            follower = new BenchFollower("ringcast-bench-follower", followerOutput);
            config.follower(follower);
        }
        engine = Engine.start(config);
        tokens = new Message[workload.topics()][workload.stampSlots()];
        for (int t = 0; t < workload.topics(); t++)
        {
            final String topic = Workload.topicName(t);
            final Topic handle = engine.topic(topic);
            for (int s = 0; s < workload.stampSlots(); s++)
            {
                tokens[t][s] = topicHandles ? Message.of(handle, stampBytes(s)) : Message.of(topic, stampBytes(s));
            }
        }
        subscriptions = new Subscription[workload.subscribers()];
        for (int i = 0; i < subscriptions.length; i++)
        {
            final Filter filter = Filter.topic(Workload.topicName(i % workload.topics()));
            final SubscribeOptions options = SubscribeOptions.defaults().queueCapacity(workload.queueCapacity());
            // inline, this thread is the dispatcher's: it applies the subscription itself instead of waiting for it
            subscriptions[i] = inline ? engine.subscribeAsync(filter, options) : engine.subscribe(filter, options);
        }
        if (inline)
        {
            for (final Subscription s : subscriptions)
            {
                while (!s.isRegistered())
                {
                    engine.dispatch();
                }
            }
        }
        handler = e -> sink.accept(stampOf(e));
    }

    @Override
    public boolean offer(final int topic, final int stamp)
    {
        final boolean accepted = engine.tryPublish(tokens[topic][stamp]) >= 0;
        if (inline)
        {
            while (engine.dispatch())
            {
                // more arrived meanwhile (commands): dispatch again
            }
        }
        return accepted;
    }

    @Override
    public int drainRound(final int batch)
    {
        int n = 0;
        for (final Subscription s : subscriptions)
        {
            n += s.drain(handler, batch);
        }
        return n;
    }

    @Override
    public long drops()
    {
        return engine.metrics().dropped() + engine.metrics().rejected();
    }

    @Override
    public String describe()
    {
        return "ringcast: producerMode=" + producerMode +
            (inline ? " dispatcher=inline on the publishing thread" : " waitStrategy=" + waitStrategy) + " ringSize=" +
            EngineConfig.DEFAULT_RING_SIZE + " history=" + historyMaxEvents + " events" +
            (topicHandles ? " messages built with topic handles" : " messages built with topic names") +
            (journaled ? " journal=default settings" : "") + (follower != null ? " follower: " + followerDescription : "");
    }

    @Override
    public void close()
    {
        if (engine != null)
        {
            engine.close();
        }
        if (follower != null)
        {
            follower.close();
        }
        if (journal != null)
        {
            journal.close();
            deleteRecursively(journalDirectory);
        }
    }

    static void deleteRecursively(final Path directory)
    {
        try (Stream<Path> paths = Files.walk(directory))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] stampBytes(final int s)
    {
        return new byte[] {(byte)(s >>> 24), (byte)(s >>> 16), (byte)(s >>> 8), (byte)s};
    }

    private static int stampOf(final Event e)
    {
        return e.payloadBuffer().getInt(0, java.nio.ByteOrder.BIG_ENDIAN);
    }
}
