package io.ringcast.relay.pg;

import io.ringcast.engine.Engine;
import io.ringcast.engine.Event;
import io.ringcast.engine.EventHandler;
import io.ringcast.engine.Filter;
import io.ringcast.engine.ResumeOutcome;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.engine.spi.ResumedStream;

import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A cross-node resume served from this node's in-memory history, with no PostgreSQL: used while the outbox is
 * unreachable, when memory provably holds everything the client is owed; otherwise the caller refuses at once.
 *
 * <p><b>The proof.</b> Let x be an event still in memory and V its stamp ({@link VectorStamper}, by log position):
 * per origin, the highest sequence dispatched here up to x or left behind the reader's start position. If every
 * origin of V is in the client's position P with {@code V(O) <= P(O)}, then for every origin O each event of O the
 * client is owed ({@code seq > P(O)}, matching its filter) is
 * <ul>
 * <li>not dispatched here at or before x, and not behind the start position: both are at or below
 *     {@code V(O) <= P(O)};</li>
 * <li>so either dispatched here after x, and the in-memory history after x has it (the engine's resume after x is
 *     exact), or not dispatched here yet: then it comes later on the live stream, because this node dispatches its
 *     own events as they are published and relays every row after its start position, in each origin's order.</li>
 * </ul>
 * An origin the client's position lacks while V has it is owed events at or below {@code V(O)} that memory cannot
 * provide: the proof fails and the resume is refused. Events of the history after x that the client has seen are
 * dropped per origin ({@link ClientPosition}), as in {@link ReplicaResume}, and the stream goes back to the shared
 * frames the same way. So the resume is exact.
 *
 * <p>x is the oldest event in memory (once the history is full and evicting: a sixteenth of it newer, so it is not
 * evicted at once), its stamp read through a
 * short-lived probe subscription to everything; then the client's subscription resumes after x and must be
 * {@link ResumeOutcome#EXACT}.
 *
 * <p>Threads: as {@link ResumedStream}; {@link #tryOpen} blocks only until the two subscriptions are registered.
 */
final class MemoryResume implements ResumedStream
{
    private static final long PROBE_WAIT_NS = 200_000_000L;

    private final Subscription subscription;
    private final ClientPosition position;
    private final EventHandler deliverer = this::deliver;
    private final EventHandler passThrough = this::passThrough;
    private EventHandler handler;
    private final LastDelivered last = new LastDelivered();

    private MemoryResume(final Subscription subscription, final ResumeVector from)
    {
        this.subscription = subscription;
        this.position = new ClientPosition(from);
    }

    /**
     * @param positioned {@code true} once this node's reader knows its start position (its stamps claim it).
     * @return the resumed stream, or {@code null} when memory cannot be shown to hold everything the client is owed
     *         (nothing stays subscribed).
     */
    static ResumedStream tryOpen(
        final Engine engine, final Filter filter, final SubscribeOptions options, final ResumeVector from,
        final boolean positioned)
    {
        final long last = engine.lastDispatchedId();
        final long history = engine.metrics().historySize();
        if (!positioned || last < engine.firstId() || history <= 0)
        {
            return null;
        }
        final long oldest = Math.max(engine.firstId(), last - history + 1);
        final boolean evicting = last - engine.firstId() + 1 >= history;
        final long x = evicting ? Math.min(last, oldest + history / 16) : oldest;
        final String stamp = probe(engine, x);
        if (stamp == null || !provable(stamp, from))
        {
            return null;
        }
        final LocalResume.Gate gate = new LocalResume.Gate(options.listener());
        final Subscription s = engine.subscribe(filter, LocalResume.copy(options).listener(gate).resumeAfter(x));
        if (s.resumeOutcome() != ResumeOutcome.EXACT)
        {
            gate.shut = true;
            s.close();
            return null;
        }
        return new MemoryResume(s, from);
    }

    /** @return the stamp of event {@code x} while it is in memory, or {@code null}. */
    private static String probe(final Engine engine, final long x)
    {
        final String[] stamp = new String[1];
        final long[] id = {-1};
        try (Subscription probe = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(x - 1)))
        {
            if (probe.resumeOutcome() != ResumeOutcome.EXACT)
            {
                return null;
            }
            final long deadline = System.nanoTime() + PROBE_WAIT_NS;
            while (id[0] < 0 && System.nanoTime() - deadline < 0)
            {
                if (probe.drain(e ->
                {
                    id[0] = e.id();
                    stamp[0] = e.hasFormattedId() ? e.idString() : null;
                }, 1) == 0)
                {
                    LockSupport.parkNanos(100_000);
                }
            }
        }
        return id[0] == x ? stamp[0] : null;
    }

    /** @return {@code true} when {@code stamp} is by log position and at or below {@code from} in every origin. */
    static boolean provable(final String stamp, final ResumeVector from)
    {
        final ResumeVector v;
        try
        {
            v = ResumeVector.parse(stamp);
        }
        catch (final IllegalArgumentException e)
        {
            return false;
        }
        if (!v.byLogPosition())
        {
            return false;
        }
        for (final Map.Entry<String, Long> p : v.positions().entrySet())
        {
            if (from.seen(p.getKey()) < p.getValue())
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public int drain(final EventHandler handler, final int limit)
    {
        this.handler = handler;
        try
        {
            return subscription.drain(position.caughtUp() ? passThrough : deliverer, limit);
        }
        finally
        {
            this.handler = null;
        }
    }

    private void deliver(final Event e)
    {
        if (position.admit(e, true))
        {
            passThrough(e);
        }
    }

    private void passThrough(final Event e)
    {
        last.record(e);
        handler.onEvent(e);
    }

    @Override
    public boolean exact()
    {
        return true;
    }

    @Override
    public boolean caughtUp()
    {
        return position.caughtUp();
    }

    @Override
    public String position()
    {
        return position.print(last);
    }

    @Override
    public void close()
    {
        subscription.close();
    }
}
