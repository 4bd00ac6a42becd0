package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import io.ringcast.engine.CloseReason;
import io.ringcast.engine.Engine;
import io.ringcast.engine.Event;
import io.ringcast.engine.EventHandler;
import io.ringcast.engine.Filter;
import io.ringcast.engine.ResumeOutcome;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.engine.SubscriptionListener;

import java.util.concurrent.TimeUnit;

/**
 * One open {@code GET /events} response and the engine subscription that feeds it.
 *
 * <p>Delivery: the engine calls {@link #onAvailable()} on its dispatcher thread once per empty-to-non-empty
 * transition; that schedules this stream's {@link #run() drain} on the channel's event loop. A drain takes up to a
 * batch of events, copies their shared, pre-encoded frames ({@link SseFrames}) into one pooled buffer and flushes
 * once. It stops while the channel is not writable and resumes from {@link #onWritabilityChanged()}; meanwhile the
 * engine queue absorbs events, and when it overflows the slow-client policy applies (disconnect: the engine closes
 * the subscription, the stream flushes what is queued and ends).
 *
 * <p>Threading: {@link #onAvailable()} and {@link #onClosed} may be called from any thread and only schedule work;
 * every other method runs on the channel's event loop.
 */
final class SseStream implements SubscriptionListener, EventHandler, Runnable
{
    private static final long REGISTRATION_POLL_MS = 1;

    private final ChannelHandlerContext ctx;
    private final ServerMetrics metrics;
    private final int batchLimit;
    private final String resumeId;
    private Subscription subscription;
    private ScheduledFuture<?> heartbeat;
    private FrameBatch batch;
    private boolean resumePending;
    private boolean wroteSinceHeartbeat;
    private boolean ended;

    private SseStream(
        final ChannelHandlerContext ctx, final ServerMetrics metrics, final int batchLimit, final String resumeId)
    {
        this.ctx = ctx;
        this.metrics = metrics;
        this.batchLimit = batchLimit;
        this.resumeId = resumeId;
        this.resumePending = resumeId != null;
    }

    /**
     * Writes the response head and the {@code retry:} frame, subscribes, and starts heartbeats. Call on the event loop.
     *
     * @param resumeAfter the id to resume after, or {@link SubscribeOptions#NO_RESUME}.
     * @param user        the user the stream acts for (private events), or {@code null}.
     */
    static SseStream open(
        final ChannelHandlerContext ctx,
        final Engine engine,
        final Filter filter,
        final long resumeAfter,
        final String user,
        final StreamSettings settings,
        final ServerMetrics metrics)
    {
        final SseStream stream = new SseStream(ctx, metrics, settings.drainBatch(),
            resumeAfter == SubscribeOptions.NO_RESUME ? null : Long.toString(resumeAfter));
        final SubscribeOptions options = SubscribeOptions.defaults()
            .queueCapacity(settings.queueCapacity())
            .policy(settings.policy())
            .actingFor(user)
            .listener(stream);
        if (resumeAfter != SubscribeOptions.NO_RESUME)
        {
            options.resumeAfter(resumeAfter);
        }
        final HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
            .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
            .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED)
            .set("X-Accel-Buffering", "no");
        ctx.write(head, ctx.voidPromise());
        write(ctx, settings.retryFrame());
        ctx.flush();
        stream.subscription = engine.subscribeAsync(filter, options);
        metrics.openStreams.increment();
        metrics.streamsOpened.increment();
        stream.heartbeat = ctx.executor().scheduleAtFixedRate(
            stream::heartbeat, settings.heartbeatIntervalMs(), settings.heartbeatIntervalMs(), TimeUnit.MILLISECONDS);
        if (stream.resumePending)
        {
            ctx.executor().schedule(stream, REGISTRATION_POLL_MS, TimeUnit.MILLISECONDS);
        }
        return stream;
    }

    @Override
    public void onAvailable()
    {
        ctx.executor().execute(this);
    }

    @Override
    public void onClosed(final CloseReason reason)
    {
        ctx.executor().execute(() -> closedByEngine(reason));
    }

    /** Drains one batch; scheduled by the engine's wake-up, writability changes and the resume check. */
    @Override
    public void run()
    {
        if (ended)
        {
            return;
        }
        if (resumePending && !checkResume())
        {
            return;
        }
        if (!ctx.channel().isWritable())
        {
            return;
        }
        final int n = drainOnce();
        if (n == batchLimit)
        {
            ctx.executor().execute(this);
        }
        else if (subscription.isClosed())
        {
            closedByEngine(subscription.closeReason());
        }
    }

    /** Called by the router when the channel becomes writable again. */
    void onWritabilityChanged()
    {
        if (ctx.channel().isWritable())
        {
            run();
        }
    }

    /** Called by the router when the connection closed: releases the subscription and the heartbeat. */
    void onChannelClosed()
    {
        if (!ended)
        {
            ended = true;
            release();
        }
    }

    @Override
    public void onEvent(final Event event)
    {
        batch.add(SseFrames.frameOf(event));
    }

    /** @return {@code true} when the resume outcome is known (and the reset frame written if needed). */
    private boolean checkResume()
    {
        final ResumeOutcome outcome = subscription.resumeOutcome();
        if (outcome == ResumeOutcome.PENDING)
        {
            if (!subscription.isClosed())
            {
                ctx.executor().schedule(this, REGISTRATION_POLL_MS, TimeUnit.MILLISECONDS);
                return false;
            }
            return true;
        }
        resumePending = false;
        if (outcome == ResumeOutcome.GAP)
        {
            metrics.resets.increment();
            writeFrames(SseFrames.reset(resumeId));
            ctx.flush();
        }
        return true;
    }

    private int drainOnce()
    {
        final FrameBatch b = FrameBatch.current();
        batch = b;
        final int n;
        try
        {
            n = subscription.drain(this, batchLimit);
        }
        finally
        {
            batch = null;
        }
        if (b.count() > 0)
        {
            final ByteBuf buffer = ctx.alloc().directBuffer(b.bytes());
            metrics.bytesWritten.add(b.bytes());
            metrics.framesWritten.add(b.count());
            metrics.flushes.increment();
            b.moveTo(buffer);
            ctx.writeAndFlush(new DefaultHttpContent(buffer), ctx.voidPromise());
            wroteSinceHeartbeat = true;
        }
        return n;
    }

    private void closedByEngine(final CloseReason reason)
    {
        if (ended)
        {
            return;
        }
        if (resumePending && subscription.resumeOutcome() != ResumeOutcome.PENDING)
        {
            checkResume();
        }
        while (drainOnce() == batchLimit)
        {
            // flush everything still queued, writable or not: it is bounded by the queue capacity
        }
        if (reason == CloseReason.SLOW_CONSUMER)
        {
            metrics.slowClientDisconnects.increment();
        }
        end();
    }

    /** Ends the response cleanly (terminating chunk) and closes the connection after the flush. */
    void end()
    {
        if (ended)
        {
            return;
        }
        ended = true;
        release();
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
    }

    private void release()
    {
        metrics.openStreams.decrement();
        if (heartbeat != null)
        {
            heartbeat.cancel(false);
        }
        final Subscription s = subscription;
        if (s != null)
        {
            s.close();
        }
    }

    private void heartbeat()
    {
        if (ended)
        {
            return;
        }
        if (!wroteSinceHeartbeat && ctx.channel().isWritable())
        {
            metrics.heartbeats.increment();
            writeFrames(SseFrames.HEARTBEAT);
            ctx.flush();
        }
        wroteSinceHeartbeat = false;
    }

    private void writeFrames(final byte[] frame)
    {
        write(ctx, frame);
        wroteSinceHeartbeat = true;
    }

    private static void write(final ChannelHandlerContext ctx, final byte[] frame)
    {
        ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(frame)), ctx.voidPromise());
    }
}
