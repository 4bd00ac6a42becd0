package io.ringcast.sse;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The heartbeats of one event loop's streams: one periodic task per loop instead of a scheduled task per stream. The
 * task ticks {@value #SLICES} times per heartbeat interval and visits a slice of the streams each time, so every stream
 * is visited about once per interval ({@link Member#heartbeat()}: a comment if nothing was written since the last
 * visit) and no tick writes to all streams at once. Runs only while the loop has streams.
 *
 * <p>Costs a stream one array slot and an index (no task, no closure). Event loop only; one instance per loop and
 * interval, found with {@link #of}.
 */
final class Heartbeats implements Runnable
{
    /** What a loop's heartbeat task visits: an open stream ({@link SseStream}). */
    abstract static class Member
    {
        /** Where the member is in its loop's {@link Heartbeats}, or -1; owned by that instance. */
        int heartbeatIndex = -1;

        /** Writes a heartbeat comment when nothing was written since the last visit. Event loop only. */
        abstract void heartbeat();
    }

    /** Ticks per heartbeat interval: each visits about 1/SLICES of the streams. */
    static final int SLICES = 16;

    private static final FastThreadLocal<Heartbeats> LOCAL = new FastThreadLocal<>();

    private final EventExecutor loop;
    private final long intervalMs;
    private Member[] streams = new Member[16];
    private int size;
    /** Streams [0, cursor) have been visited in the current round. */
    private int cursor;
    private ScheduledFuture<?> tick;

    private Heartbeats(final EventExecutor loop, final long intervalMs)
    {
        this.loop = loop;
        this.intervalMs = intervalMs;
    }

    /** @return the calling loop's instance for {@code intervalMs}; call on {@code loop}. */
    static Heartbeats of(final EventExecutor loop, final long intervalMs)
    {
        Heartbeats h = LOCAL.get();
        if (h == null || h.loop != loop || h.intervalMs != intervalMs)
        {
            h = new Heartbeats(loop, intervalMs);
            LOCAL.set(h);
        }
        return h;
    }

    /** Starts visiting {@code stream}; its first visit comes within one interval. */
    void add(final Member stream)
    {
        if (size == streams.length)
        {
            streams = Arrays.copyOf(streams, size * 2);
        }
        streams[size] = stream;
        stream.heartbeatIndex = size++;
        if (tick == null)
        {
            final long period = Math.max(1, intervalMs / SLICES);
            tick = loop.scheduleAtFixedRate(this, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops visiting {@code stream}; harmless when it is not visited. */
    void remove(final Member stream)
    {
        int at = stream.heartbeatIndex;
        if (at < 0 || at >= size || streams[at] != stream)
        {
            return;
        }
        stream.heartbeatIndex = -1;
        if (at < cursor)
        {
            // keep [0, cursor) the visited ones: the last visited one takes the hole, the hole moves to the cursor
            move(cursor - 1, at);
            at = --cursor;
        }
        move(size - 1, at);
        streams[--size] = null;
        if (size == 0 && tick != null)
        {
            tick.cancel(false);
            tick = null;
            cursor = 0;
        }
    }

    private void move(final int from, final int to)
    {
        if (from != to)
        {
            final Member s = streams[from];
            streams[to] = s;
            s.heartbeatIndex = to;
        }
    }

    /** @return the number of streams visited; for tests. */
    int size()
    {
        return size;
    }

    @Override
    public void run()
    {
        if (cursor >= size)
        {
            cursor = 0;
        }
        final int end = Math.min(size, cursor + (size + SLICES - 1) / SLICES);
        while (cursor < end && cursor < size)
        {
            streams[cursor++].heartbeat();
        }
        if (streams.length > 64 && size < streams.length / 4)
        {
            streams = Arrays.copyOf(streams, streams.length / 2);
        }
    }
}
