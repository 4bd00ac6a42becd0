package io.ringcast.bench.peer;

import io.ringcast.bench.sharingbus.BusEvent;
import io.ringcast.bench.sharingbus.EventFilter;
import io.ringcast.bench.sharingbus.SharingBus;

import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.UUID;

/**
 * the reference design's SharingBus, ported to Java ({@link SharingBus}). Topic {@code t} is connector uid {@code uuid(t)}; each
 * subscriber subscribes with {@code EventFilter::ConnectorUid} and the workload's queue capacity. Events carry no
 * connector id / native session id, so the late-binding cache is not consulted (the cheaper path of the seed).
 *
 * <p>Thread-safety: as {@link Peer}.
 */
public final class SharingBusPeer implements Peer
{
    private SharingBus bus;
    private SharingBus.BusReceiver[] receivers;
    private BusEvent[][] tokens;
    private SinkCollection sinkCollection;

    @Override
    public void start(final Workload workload, final Sink sink)
    {
        final UUID[] connectors = new UUID[workload.topics()];
        for (int t = 0; t < connectors.length; t++)
        {
            connectors[t] = new UUID(0x5EED_0003L, t);
        }
        tokens = new BusEvent[workload.topics()][workload.stampSlots()];
        for (int t = 0; t < workload.topics(); t++)
        {
            for (int s = 0; s < workload.stampSlots(); s++)
            {
                tokens[t][s] = new BusEvent(
                    new BusEvent.EventRouting(null, connectors[t], null, null, BusEvent.Kind.SYSTEM),
                    BusEvent.Origin.RUNTIME,
                    new Payload(s));
            }
        }
        bus = SharingBus.create(Idle.strategy());
        receivers = new SharingBus.BusReceiver[workload.subscribers()];
        for (int i = 0; i < receivers.length; i++)
        {
            receivers[i] = bus.subscribeFiltered(
                new EventFilter.ConnectorUid(connectors[i % workload.topics()]), workload.queueCapacity());
        }
        sinkCollection = new SinkCollection(sink);
    }

    @Override
    public boolean offer(final int topic, final int stamp)
    {
        bus.publish(tokens[topic][stamp]);
        return true;
    }

    @Override
    public int drainRound(final int batch)
    {
        int n = 0;
        for (final SharingBus.BusReceiver r : receivers)
        {
            n += r.queue.drainTo(sinkCollection, batch);
        }
        return n;
    }

    @Override
    public long drops()
    {
        long lagged = bus.broadcastLagged();
        for (final SharingBus.BusReceiver r : receivers)
        {
            lagged += r.lagged.get();
        }
        return lagged;
    }

    @Override
    public String describe()
    {
        return "sharing-bus: SharingBus port, broadcast capacity " + SharingBus.BUS_INTERNAL_CAPACITY +
            ", ArrayBlockingQueue per subscriber, worker idle: " + Idle.describe();
    }

    @Override
    public void close()
    {
        if (bus != null)
        {
            bus.close();
        }
    }

    /** The reference design's domain event: here only the stamp index. */
    record Payload(int stamp)
    {
    }

    /** Lets {@link java.util.concurrent.ArrayBlockingQueue#drainTo} hand events straight to the sink. */
    private static final class SinkCollection extends AbstractCollection<BusEvent>
    {
        private final Sink sink;

        SinkCollection(final Sink sink)
        {
            this.sink = sink;
        }

        @Override
        public boolean add(final BusEvent e)
        {
            sink.accept(((Payload)e.event).stamp());
            return true;
        }

        @Override
        public Iterator<BusEvent> iterator()
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public int size()
        {
            return 0;
        }
    }
}
