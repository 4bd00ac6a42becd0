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
import io.netty.util.concurrent.EventExecutor;
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
import io.ringcast.engine.spi.ResumedStream;

import java.util.concurrent.RejectedExecutionException;
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
 * <p>Resume from a replication position ({@link #openResumed}, when {@code Last-Event-ID} is not a decimal local id
 * and a replication is configured): {@link io.ringcast.engine.spi.Replication#resume} runs on the server's bounded
 * resume executor (it blocks on storage) and returns once the live subscription is registered; only then is the
 * response head written, followed by {@code event: reset} when the resume is not exact. While the
 * {@link ResumedStream} is not {@linkplain ResumedStream#caughtUp() caught up}, each event is framed for this client
 * with its own position as the {@code id}; afterwards the shared frames are used again.
 *
 * <p>Threading: {@link #onAvailable()} and {@link #onClosed} may be called from any thread and only schedule work;
 * so do the callbacks of the resume task; every other method runs on the channel's event loop.
 */
final class SseStream implements SubscriptionListener, EventHandler, Runnable
{
    private static final long REGISTRATION_POLL_MS = 1;
    /** A client that does not take the rest of an ended stream within this long is cut off. */
    static final long END_FLUSH_TIMEOUT_MS = 5_000;

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int CRLF = ('\r' << 8) | '\n';

    private final ChannelHandlerContext ctx;
    /** The channel's event loop, kept so that the dispatcher's wake-up does not walk ctx -> channel -> loop. */
    private final EventExecutor loop;
    private final ServerMetrics metrics;
    private final StreamSettings settings;
    private final int batchLimit;
    private final boolean http10;
    private final String resumeId;
    private final SubscriptionListener wakeup = new SubscriptionListener()
    {
        @Override
        public void onAvailable()
        {
            SseStream.this.onAvailable();
        }

        @Override
        public void onClosed(final CloseReason reason)
        {
            SseStream.this.onClosed(reason);
        }
    };
    private Subscription subscription;
    private ResumedStream resumed;
    private ScheduledFuture<?> heartbeat;
    private FrameBatch batch;
    private boolean resumePending;
    /** A replica resume runs on the resume executor; its outcome ({@link #attach} or {@link #refuse}) answers. */
    private boolean replicaResumeRunning;
    private boolean resumePollScheduled;
    private boolean wroteSinceHeartbeat;
    private boolean headWritten;
    /**
     * Where event batches are written from: just in front of the HTTP codec, so a batch skips the handlers behind it
     * and the codec's per-message encoding; the batch carries its own chunk framing ({@link #chunk}). The codec still
     * writes the head, the heartbeats and the final chunk, and it stays in its chunked-content state throughout, so
     * both paths produce one valid chunked body. {@code null} (use the normal path) when the pipeline has no codec
     * named {@code http} (unit tests with a bare pipeline). Set with the head.
     */
    private ChannelHandlerContext rawOutput;
    private boolean ended;
    /** Frames are {@link EnvelopeFrames} built for this stream rather than the shared {@link SseFrames}. */
    private boolean envelope;

    private SseStream(
        final ChannelHandlerContext ctx, final ServerMetrics metrics, final StreamSettings settings,
        final String resumeId, final boolean http10)
    {
        this.ctx = ctx;
        this.loop = ctx.executor();
        this.metrics = metrics;
        this.settings = settings;
        this.batchLimit = settings.drainBatch();
        this.http10 = http10;
        this.resumeId = resumeId;
        this.resumePending = resumeId != null;
    }

    /**
     * Subscribes; the response head, the {@code retry:} frame and the heartbeats follow once the engine has
     * registered the subscription ({@link #onRegistered}), so a client that has the response head misses no event
     * published after it. Call on the event loop.
     *
     * @param resumeAfter the id to resume after, or {@link SubscribeOptions#NO_RESUME}.
     * @param user        the user the stream acts for (private events), or {@code null}.
     * @param http10      the request was HTTP/1.0: no chunked encoding, the stream ends by closing.
     * @throws IllegalStateException when the engine is closed (the caller answers 503).
     */
    static SseStream open(
        final ChannelHandlerContext ctx,
        final Engine engine,
        final Filter filter,
        final long resumeAfter,
        final String user,
        final boolean http10,
        final StreamSettings settings,
        final ServerMetrics metrics)
    {
        final SseStream stream = new SseStream(ctx, metrics, settings,
            resumeAfter == SubscribeOptions.NO_RESUME ? null : Long.toString(resumeAfter), http10);
        final SubscribeOptions options = SubscribeOptions.defaults()
            .queueCapacity(settings.queueCapacity())
            .policy(settings.policy())
            .actingFor(user)
            .listener(stream);
        if (resumeAfter != SubscribeOptions.NO_RESUME)
        {
            options.resumeAfter(resumeAfter);
        }
        stream.subscription = engine.subscribeAsync(filter, options);
        metrics.openStreams.increment();
        return stream;
    }

    /**
     * Resumes from a replication position: refuses at once (503) when the resume executor is saturated, else answers
     * once the resume is open and its live subscription registered (200, or an error response). Call on the event
     * loop.
     *
     * @param lastEventId the client's id, not a decimal local id.
     * @param source      where it came from, for error messages.
     * @throws HttpError when the resume executor is saturated.
     */
    static SseStream openResumed(
        final ChannelHandlerContext ctx,
        final ServerContext server,
        final Filter filter,
        final String lastEventId,
        final String source,
        final String user,
        final boolean http10)
    {
        final StreamSettings settings = server.streams;
        final SseStream stream = new SseStream(ctx, server.metrics, settings, lastEventId, http10);
        stream.resumePending = false;
        stream.replicaResumeRunning = true;
        // the wake-up adapter has no onRegistered: the head follows the resume, which returns once registered
        final SubscribeOptions options = SubscribeOptions.defaults()
            .queueCapacity(settings.queueCapacity())
            .policy(settings.policy())
            .actingFor(user)
            .listener(stream.wakeup);
        try
        {
            server.resumes.execute(() -> stream.resume(server, filter, options, lastEventId, source));
        }
        catch (final RejectedExecutionException e)
        {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "resume_busy",
                "too many resumes in progress; retry after the Retry-After delay");
        }
        server.metrics.openStreams.increment();
        return stream;
    }

    /** Resume executor thread: opens the resumed stream and hands the outcome to the event loop. */
    private void resume(
        final ServerContext server, final Filter filter, final SubscribeOptions options, final String lastEventId,
        final String source)
    {
        try
        {
            final ResumedStream r = server.replication.resume(server.engine, filter, options, lastEventId);
            if (r == null)
            {
                ctx.executor().execute(() -> refuse(server, HttpError.badRequest("invalid " + source +
                    ": the replication does not resume from '" + lastEventId + "'")));
                return;
            }
            ctx.executor().execute(() -> attach(r));
        }
        catch (final IllegalArgumentException e)
        {
            ctx.executor().execute(() -> refuse(server, HttpError.badRequest("invalid " + source + ": " +
                e.getMessage())));
        }
        catch (final Exception e)
        {
            if (e instanceof InterruptedException)
            {
                Thread.currentThread().interrupt();
            }
            ctx.executor().execute(() -> refuse(server, new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "resume_unavailable", "cannot resume from '" + lastEventId + "' now: " + e.getMessage())));
        }
    }

    private void attach(final ResumedStream r)
    {
        replicaResumeRunning = false;
        if (ended)
        {
            r.close();
            return;
        }
        resumed = r;
        writeHead();
    }

    private void refuse(final ServerContext server, final HttpError e)
    {
        replicaResumeRunning = false;
        if (ended)
        {
            return;
        }
        ended = true;
        release();
        server.metrics.countError(e.status.code());
        Responses.writeAndClose(ctx, Responses.error(e));
    }

    /** Dispatcher thread: the subscription is registered; answer the request on the event loop. */
    @Override
    public void onRegistered(final ResumeOutcome outcome)
    {
        ctx.executor().execute(this::writeHead);
    }

    private void writeHead()
    {
        if (ended || headWritten)
        {
            return;
        }
        headWritten = true;
        rawOutput = ctx.pipeline().context("http");
        final HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
            .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
            .set("X-Accel-Buffering", "no");
        if (http10)
        {
            // HTTP/1.0 has no chunked encoding: the body runs until the connection closes
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        else
        {
            head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        ctx.write(head, ctx.voidPromise());
        write(ctx, settings.retryFrame());
        ctx.flush();
        metrics.streamsOpened.increment();
        heartbeat = ctx.executor().scheduleAtFixedRate(
            this::heartbeat, settings.heartbeatIntervalMs(), settings.heartbeatIntervalMs(), TimeUnit.MILLISECONDS);
        if (resumed != null && !resumed.exact())
        {
            metrics.resets.increment();
            writeFrames(SseFrames.reset(resumeId));
            ctx.flush();
        }
        run();
    }

    @Override
    public void onAvailable()
    {
        loop.execute(this);
    }

    /** Ends the stream after the engine closed the subscription: the task drains what is queued, then ends. */
    @Override
    public void onClosed(final CloseReason reason)
    {
        ctx.executor().execute(() -> closedByEngine(reason));
    }

    /** Drains one batch; scheduled by the engine's wake-up, writability changes and the resume check. */
    @Override
    public void run()
    {
        if (ended || !headWritten)
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
        if (drainOnce() == batchLimit)
        {
            loop.execute(this);
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

    /**
     * Makes this stream send {@link EnvelopeFrames}. Call on the event loop right after {@link #open} or
     * {@link #openResumed}, before the stream's first drain.
     */
    void envelope(final boolean on)
    {
        envelope = on;
    }

    @Override
    public void onEvent(final Event event)
    {
        final ResumedStream r = resumed;
        if (envelope)
        {
            batch.add(EnvelopeFrames.frame(r != null && !r.caughtUp() ? r.position() : event.idString(), event));
        }
        else if (r != null && !r.caughtUp())
        {
            // catching up after a replica resume: this client's position, not the node's stamp, is its id
            batch.add(SseFrames.frame(r.position(), event.type(), event.payload()));
        }
        else
        {
            batch.add(SseFrames.frameOf(event));
        }
    }

    private void scheduleResumePoll()
    {
        if (!resumePollScheduled)
        {
            resumePollScheduled = true;
            ctx.executor().schedule(() ->
            {
                resumePollScheduled = false;
                run();
            }, REGISTRATION_POLL_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** @return {@code true} when the resume outcome is known (and the reset frame written if needed). */
    private boolean checkResume()
    {
        final ResumeOutcome outcome = subscription.resumeOutcome();
        if (outcome == ResumeOutcome.PENDING)
        {
            if (!subscription.isClosed())
            {
                scheduleResumePoll();
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
            n = resumed != null ? resumed.drain(this, batchLimit) : subscription.drain(this, batchLimit);
        }
        finally
        {
            batch = null;
        }
        if (b.count() > 0)
        {
            final int bytes = b.bytes();
            metrics.bytesWritten.add(bytes);
            metrics.framesWritten.add(b.count());
            metrics.flushes.increment();
            final ChannelHandlerContext raw = rawOutput;
            if (raw == null)
            {
                final ByteBuf buffer = ctx.alloc().directBuffer(bytes);
                b.moveTo(buffer);
                ctx.writeAndFlush(new DefaultHttpContent(buffer), ctx.voidPromise());
            }
            else
            {
                raw.writeAndFlush(chunk(b, bytes), raw.voidPromise());
            }
            wroteSinceHeartbeat = true;
        }
        return n;
    }

    /** One buffer holding the batch, framed as an HTTP/1.1 chunk ({@code <hex size>\r\n<frames>\r\n}) unless HTTP/1.0. */
    private ByteBuf chunk(final FrameBatch b, final int bytes)
    {
        if (http10)
        {
            final ByteBuf buffer = ctx.alloc().directBuffer(bytes);
            b.moveTo(buffer);
            return buffer;
        }
        final int hexDigits = (Integer.SIZE - Integer.numberOfLeadingZeros(bytes) + 3) / 4;
        final ByteBuf buffer = ctx.alloc().directBuffer(hexDigits + 2 + bytes + 2);
        for (int shift = (hexDigits - 1) * 4; shift >= 0; shift -= 4)
        {
            buffer.writeByte(HEX[(bytes >>> shift) & 0xF]);
        }
        buffer.writeShort(CRLF);
        b.moveTo(buffer);
        buffer.writeShort(CRLF);
        return buffer;
    }

    private void closedByEngine(final CloseReason reason)
    {
        if (ended)
        {
            return;
        }
        if (!headWritten && replicaResumeRunning && reason == CloseReason.CLOSED_BY_CONSUMER)
        {
            // a replica resume that failed closed its own subscription; its refusal, on its way, is the answer
            return;
        }
        if (!headWritten)
        {
            // closed before registration (the engine is shutting down): the request can still get an error answer
            ended = true;
            release();
            Responses.writeAndClose(ctx, Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down",
                "the stream was closed before it started: " + reason));
            return;
        }
        if (reason == CloseReason.SLOW_CONSUMER)
        {
            // the client stopped reading: a flush would never complete, so cut the connection now
            metrics.slowClientDisconnects.increment();
            ended = true;
            release();
            ctx.close();
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
        end();
    }

    /**
     * Ends the response cleanly (terminating chunk) and closes the connection after the flush, or after
     * {@value #END_FLUSH_TIMEOUT_MS} ms when the client does not read (a stalled client must not pin its buffers).
     */
    void end()
    {
        if (ended)
        {
            return;
        }
        ended = true;
        release();
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        if (ctx.channel().isActive())
        {
            ctx.executor().schedule(() -> ctx.close(), END_FLUSH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Ends the stream with {@code frame} as its last frame (written after everything already sent); used when the
     * stream's token expires.
     *
     * @return {@code false} when the stream has not started yet (its head is not written): call again later.
     */
    boolean endWith(final byte[] frame)
    {
        if (ended)
        {
            return true;
        }
        if (!headWritten)
        {
            return false;
        }
        writeFrames(frame);
        end();
        return true;
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
        final ResumedStream r = resumed;
        if (r != null)
        {
            r.close();
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
