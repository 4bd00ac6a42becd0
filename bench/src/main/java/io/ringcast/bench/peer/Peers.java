package io.ringcast.bench.peer;

import io.ringcast.engine.ProducerMode;
import io.ringcast.engine.WaitStrategyKind;

/** Creates a peer by its benchmark parameter name. */
public final class Peers
{
    public static final String RINGCAST = "ringcast";
    /** Ringcast publishing messages built with topic names instead of handles: the dispatcher looks each one up. */
    public static final String RINGCAST_NAMES = "ringcast-names";
    public static final String RINGCAST_SINGLE = "ringcast-single";
    public static final String RINGCAST_YIELDING = "ringcast-yielding";
    /** Ringcast with its dispatcher driven from the publishing thread (one dispatch per publish, no thread of its own). */
    public static final String RINGCAST_INLINE = "ringcast-inline";
    /** Ringcast with {@link WaitStrategyKind#PUBLISHER_ASSISTED}: the publisher dispatches while the dispatcher is parked. */
    public static final String RINGCAST_ASSISTED = "ringcast-assisted";
    /** Ringcast with the in-memory history turned off: what the resume history costs (mostly GC). */
    public static final String RINGCAST_NO_HISTORY = "ringcast-no-history";
    /** Ringcast with the journal on, as the server runs by default: what writing every event to disk costs. */
    public static final String RINGCAST_JOURNAL = "ringcast-journal";
    /** Ringcast with a follower thread that takes every event and writes nothing: the follower mechanism's own cost. */
    public static final String RINGCAST_FOLLOWER = "ringcast-follower";
    /** Ringcast with a follower appending every event to Chronicle Queue: the peer journal in the journal's place. */
    public static final String RINGCAST_CHRONICLE = "ringcast-chronicle";
    /** {@code ringcast-history-<events>}: Ringcast with another history bound, for studies of the storage's size. */
    public static final String RINGCAST_HISTORY_PREFIX = "ringcast-history-";
    public static final String SUBMISSION_PUBLISHER = "submission-publisher";
    public static final String SHARING_BUS = "sharing-bus";
    public static final String REACTOR = "reactor";
    public static final String DISRUPTOR_MINIMAL = "disruptor-minimal";
    /** The minimal design with Disruptor's {@code BlockingWaitStrategy}: the counterpart of Ringcast's default. */
    public static final String DISRUPTOR_MINIMAL_BLOCKING = "disruptor-minimal-blocking";
    /** The minimal design with Disruptor's {@code YieldingWaitStrategy}: the counterpart of {@code ringcast-yielding}. */
    public static final String DISRUPTOR_MINIMAL_YIELDING = "disruptor-minimal-yielding";

    private Peers()
    {
    }

    /**
     * @param name one of the constants of this class.
     * @return a new, unstarted peer.
     * @throws IllegalArgumentException for an unknown name, listing the known ones.
     */
    public static Peer create(final String name)
    {
        if (name.startsWith(RINGCAST_HISTORY_PREFIX))
        {
            return new RingcastPeer(ProducerMode.MULTI, WaitStrategyKind.BLOCKING,
                Integer.parseInt(name.substring(RINGCAST_HISTORY_PREFIX.length())));
        }
        return switch (name)
        {
            case RINGCAST -> new RingcastPeer(ProducerMode.MULTI, WaitStrategyKind.BLOCKING);
            case RINGCAST_NO_HISTORY -> new RingcastPeer(ProducerMode.MULTI, WaitStrategyKind.BLOCKING, 0);
            case RINGCAST_JOURNAL -> new RingcastPeer(ProducerMode.MULTI, WaitStrategyKind.BLOCKING,
                io.ringcast.engine.EngineConfig.DEFAULT_HISTORY_MAX_EVENTS, true);
            case RINGCAST_FOLLOWER -> new RingcastPeer(ProducerMode.MULTI, WaitStrategyKind.BLOCKING,
                io.ringcast.engine.EngineConfig.DEFAULT_HISTORY_MAX_EVENTS, false, NullSink::new, true, false);
            case RINGCAST_CHRONICLE -> new RingcastPeer(ProducerMode.MULTI, WaitStrategyKind.BLOCKING,
                io.ringcast.engine.EngineConfig.DEFAULT_HISTORY_MAX_EVENTS, false, ChronicleSink::new, true, false);
            case RINGCAST_NAMES -> new RingcastPeer(ProducerMode.MULTI, WaitStrategyKind.BLOCKING,
                io.ringcast.engine.EngineConfig.DEFAULT_HISTORY_MAX_EVENTS, false, null, false, false);
            case RINGCAST_SINGLE -> new RingcastPeer(ProducerMode.SINGLE, WaitStrategyKind.BLOCKING);
            case RINGCAST_YIELDING -> new RingcastPeer(ProducerMode.MULTI, WaitStrategyKind.YIELDING);
            case RINGCAST_ASSISTED -> new RingcastPeer(ProducerMode.MULTI, WaitStrategyKind.PUBLISHER_ASSISTED);
            case RINGCAST_INLINE -> new RingcastPeer(ProducerMode.MULTI, WaitStrategyKind.BLOCKING,
                io.ringcast.engine.EngineConfig.DEFAULT_HISTORY_MAX_EVENTS, false, null, true, true);
            case SUBMISSION_PUBLISHER -> new SubmissionPublisherPeer();
            case SHARING_BUS -> new SharingBusPeer();
            case REACTOR -> new ReactorPeer();
            case DISRUPTOR_MINIMAL -> new DisruptorMinimalPeer();
            case DISRUPTOR_MINIMAL_BLOCKING -> new DisruptorMinimalPeer(DISRUPTOR_MINIMAL_BLOCKING,
                com.lmax.disruptor.BlockingWaitStrategy::new,
                "Disruptor's BlockingWaitStrategy (a lock and a condition; every publish signals it)");
            case DISRUPTOR_MINIMAL_YIELDING -> new DisruptorMinimalPeer(DISRUPTOR_MINIMAL_YIELDING,
                com.lmax.disruptor.YieldingWaitStrategy::new,
                "Disruptor's YieldingWaitStrategy (spin 100 times, then Thread.yield() until an event arrives)");
            default -> throw new IllegalArgumentException("unknown peer '" + name + "'; known: " + String.join(", ",
                RINGCAST, RINGCAST_NAMES, RINGCAST_SINGLE, RINGCAST_YIELDING, RINGCAST_INLINE, RINGCAST_ASSISTED, RINGCAST_NO_HISTORY, RINGCAST_JOURNAL, RINGCAST_FOLLOWER,
                RINGCAST_CHRONICLE,
                RINGCAST_HISTORY_PREFIX + "<events>", SUBMISSION_PUBLISHER, SHARING_BUS, REACTOR,
                DISRUPTOR_MINIMAL, DISRUPTOR_MINIMAL_BLOCKING, DISRUPTOR_MINIMAL_YIELDING));
        };
    }
}
