package io.ringcast.bench.sharingbus;

import org.agrona.concurrent.IdleStrategy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A faithful Java port of the reference design's {@code SharingBus}: publishers send into one bounded broadcast channel
 * ({@value #BUS_INTERNAL_CAPACITY} slots, tokio's semantics: never blocks, a lagging worker skips); one worker thread
 * receives each event and, under the read lock of the subscriber list, evaluates every subscriber's filter and
 * {@code try_send}s a matching event into that subscriber's bounded queue ({@link ArrayBlockingQueue#offer}); a full
 * queue increments the subscriber's {@link AtomicLong} lag counter; closed receivers are collected and removed under
 * the write lock. {@link #publish} does the reference design's late binding of {@code (connector_id, native_session_id) ->
 * scroll_id} through a read/write-locked cache.
 *
 * <p>Differences, none of which makes the bus slower: the reference design's {@code warn!}/{@code debug!} calls are left out
 * (with no tracing subscriber installed they cost close to nothing; with one they would cost more); Java shares the
 * event by reference where Rust clones the {@code BusEvent} per delivery (an {@code Arc} increment plus routing
 * field copies); the worker waits with the benchmark's common idle strategy instead of a tokio waker.
 *
 * <p>Thread-safety: {@link #publish}, {@link #subscribeFiltered} and {@link #unsubscribe} from any thread; a
 * {@link BusReceiver} is drained by one thread.
 */
public final class SharingBus implements AutoCloseable
{
    public static final int BUS_INTERNAL_CAPACITY = 1024;
    public static final int SUBSCRIBER_QUEUE_DEFAULT = 256;

    private final BroadcastChannel<BusEvent> publishTx = new BroadcastChannel<>(BUS_INTERNAL_CAPACITY);
    private final List<SubscriberSlot> subscribers = new ArrayList<>();
    private final ReentrantReadWriteLock subscribersLock = new ReentrantReadWriteLock();
    private final Map<SessionKey, UUID> scrollIdCache = new HashMap<>();
    private final ReentrantReadWriteLock scrollIdCacheLock = new ReentrantReadWriteLock();
    private final AtomicLong nextId = new AtomicLong();
    private final AtomicLong broadcastLagged = new AtomicLong();
    private final Thread worker;
    private volatile boolean running = true;

    private SharingBus(final IdleStrategy idle)
    {
        final BroadcastChannel.Receiver<BusEvent> publishRx = publishTx.subscribe();
        worker = new Thread(() -> runWorker(publishRx, idle), "sharing-bus-worker");
        worker.setDaemon(true);
    }

    /** Constructs the bus and starts its dispatch worker, which waits with {@code idle} when the channel is empty. */
    public static SharingBus create(final IdleStrategy idle)
    {
        final SharingBus bus = new SharingBus(idle);
        bus.worker.start();
        return bus;
    }

    /** Publishes {@code busEvent} to all matching subscribers, after the scroll-id late binding. Never blocks. */
    public void publish(final BusEvent busEvent)
    {
        final BusEvent.EventRouting routing = busEvent.routing;
        if (routing.scrollId == null && routing.connectorId != null && routing.nativeSessionId != null)
        {
            final ReentrantReadWriteLock.ReadLock read = scrollIdCacheLock.readLock();
            read.lock();
            try
            {
                final UUID uuid = scrollIdCache.get(new SessionKey(routing.connectorId, routing.nativeSessionId));
                if (uuid != null)
                {
                    routing.scrollId = uuid;
                }
            }
            finally
            {
                read.unlock();
            }
        }
        if (busEvent.event instanceof BusEvent.SessionRegistered registered)
        {
            try
            {
                final UUID uuid = UUID.fromString(registered.scrollId());
                final ReentrantReadWriteLock.WriteLock write = scrollIdCacheLock.writeLock();
                write.lock();
                try
                {
                    scrollIdCache.put(new SessionKey(registered.connectorId(), registered.sessionId()), uuid);
                }
                finally
                {
                    write.unlock();
                }
                routing.scrollId = uuid;
            }
            catch (final IllegalArgumentException unparseable)
            {
                // the reference design logs a warning and skips the cache insert
            }
        }
        publishTx.send(busEvent);
    }

    /** Subscribes to every event with the reference design's default queue capacity. */
    public BusReceiver subscribeAll()
    {
        return subscribeFiltered(new EventFilter.All(), SUBSCRIBER_QUEUE_DEFAULT);
    }

    /** Subscribes to events matching {@code filter}; {@code queueCapacity} bounds what waits for the receiver. */
    public BusReceiver subscribeFiltered(final EventFilter filter, final int queueCapacity)
    {
        final ArrayBlockingQueue<BusEvent> queue = new ArrayBlockingQueue<>(queueCapacity);
        final AtomicLong lagged = new AtomicLong();
        final long id = nextId.getAndIncrement();
        final BusReceiver receiver = new BusReceiver(id, queue, lagged);
        final ReentrantReadWriteLock.WriteLock write = subscribersLock.writeLock();
        write.lock();
        try
        {
            subscribers.add(new SubscriberSlot(id, filter, receiver, lagged));
        }
        finally
        {
            write.unlock();
        }
        return receiver;
    }

    /** Removes a subscriber by id. Idempotent. */
    public void unsubscribe(final long id)
    {
        final ReentrantReadWriteLock.WriteLock write = subscribersLock.writeLock();
        write.lock();
        try
        {
            subscribers.removeIf(s -> s.id == id);
        }
        finally
        {
            write.unlock();
        }
    }

    /** @return events the worker missed because the broadcast channel lapped it (the reference design logs these). */
    public long broadcastLagged()
    {
        return broadcastLagged.get();
    }

    private void runWorker(final BroadcastChannel.Receiver<BusEvent> rx, final IdleStrategy idle)
    {
        while (running)
        {
            final Object received = rx.tryRecv();
            if (received == BroadcastChannel.EMPTY)
            {
                idle.reset();
                while (running && !rx.maybeReady())
                {
                    idle.idle();
                }
                continue;
            }
            if (received instanceof BroadcastChannel.Lagged lagged)
            {
                broadcastLagged.addAndGet(lagged.missed());
                continue;
            }
            dispatch((BusEvent)received);
        }
    }

    private void dispatch(final BusEvent evt)
    {
        List<Long> closedIds = null;
        final ReentrantReadWriteLock.ReadLock read = subscribersLock.readLock();
        read.lock();
        try
        {
            for (int i = 0, n = subscribers.size(); i < n; i++)
            {
                final SubscriberSlot slot = subscribers.get(i);
                if (!slot.filter.matches(evt))
                {
                    continue;
                }
                if (slot.receiver.closed)
                {
                    if (closedIds == null)
                    {
                        closedIds = new ArrayList<>();
                    }
                    closedIds.add(slot.id);
                }
                else if (!slot.receiver.queue.offer(evt))
                {
                    slot.lagged.incrementAndGet();
                }
            }
        }
        finally
        {
            read.unlock();
        }
        if (closedIds != null)
        {
            final List<Long> gone = closedIds;
            final ReentrantReadWriteLock.WriteLock write = subscribersLock.writeLock();
            write.lock();
            try
            {
                subscribers.removeIf(s -> gone.contains(s.id));
            }
            finally
            {
                write.unlock();
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            worker.join(5_000);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    private record SessionKey(String connectorId, String sessionId)
    {
    }

    private record SubscriberSlot(long id, EventFilter filter, BusReceiver receiver, AtomicLong lagged)
    {
    }

    /**
     * Port of {@code BusReceiver}: the subscriber's id, its queue and its lag counter. {@link #close()} stands for
     * dropping the Rust receiver (the worker then reaps the slot). The queue is drained by one thread.
     */
    public static final class BusReceiver
    {
        public final long id;
        public final ArrayBlockingQueue<BusEvent> queue;
        public final AtomicLong lagged;
        volatile boolean closed;

        BusReceiver(final long id, final ArrayBlockingQueue<BusEvent> queue, final AtomicLong lagged)
        {
            this.id = id;
            this.queue = queue;
            this.lagged = lagged;
        }

        public void close()
        {
            closed = true;
        }
    }
}
