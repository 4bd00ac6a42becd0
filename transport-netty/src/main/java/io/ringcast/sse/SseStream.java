package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.EventExecutor;
import io.ringcast.engine.CloseReason;
import io.ringcast.engine.Engine;
import io.ringcast.engine.Event;
import io.ringcast.engine.EventHandler;
import io.ringcast.engine.EventReader;
import io.ringcast.engine.Filter;
import io.ringcast.engine.ResumeOutcome;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.engine.SubscriptionListener;
import io.ringcast.engine.spi.ResumedStream;

import java.io.IOException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One open {@code GET /events} response and the engine subscription that feeds it.
 *
 * <p>Life cycle, one {@link State} at a time, changed only on the event loop:
 * <pre>
 *   REGISTERING ------(onRegistered, outcome final)-------------------------&gt; LIVE --(onClosed)--&gt; FLUSHING --&gt; ENDED
 *        |       \----(onRegistered, outcome PENDING)--&gt; RESUMING --(onResumeOutcome)--^
 *   REPLICA_RESUMING --(attach)--------------------------------------------------^
 *   any state --(client gone, cut off, refused, end())--&gt; ENDED
 * </pre>
 * Nothing is written before the head; the head is written once the engine has registered the subscription (or the
 * replica resume has), so a client holding the head misses no event published after it. While a resume's outcome is
 * pending the head and heartbeats are written but events wait, so that a {@code reset} frame can precede them.
 *
 * <p>Delivery: the engine calls {@link #onAvailable()} on its dispatcher thread once per empty-to-non-empty
 * transition; that queues this stream's {@link #run() drain} on the channel's event loop ({@link ReadyStreams}: one task
 * per loop drains every stream a dispatcher pass woke). A drain takes up to a batch of events, encodes their frames
 * ({@link SseFrames}) into the loop's scratch ({@link FrameBatch}) and writes them once: straight to the socket when
 * Netty holds nothing for it ({@link DirectSocket}), else as one pooled buffer through the pipeline, flushed once. When
 * the engine queue overflows the slow-client policy applies (disconnect: the engine closes the subscription and the
 * stream is cut off).
 *
 * <p>Bounds in bytes: the channel's high water mark is the stream's byte budget
 * ({@link StreamSettings#streamBufferBytes()}), and a drain takes about as many events as fit in the room left, so
 * the bytes written and not yet taken by the socket stay near that budget. An event that arrives while the channel is
 * unwritable does not fit: the {@link SlowClientPolicy} applies ({@link CutOff#STREAM_BUDGET}; disconnect, or drop and
 * count). The stream's unwritten bytes also count toward the server's total ({@link ServerMetrics#pendingBytes}); a
 * behind stream that finds the total over {@link StreamSettings#pendingBytesBudget()} is treated the same way
 * ({@link CutOff#GLOBAL_BUDGET}). While bytes are unwritten, an empty marker write with a promise tracks when they
 * reach the socket; a marker older than the write timeout cuts the stream off ({@link CutOff#WRITE_TIMEOUT}). The
 * objects this needs ({@link Behind}) exist only for a stream that has fallen behind once.
 *
 * <p>Resume from a replication position ({@link #openResumed}, when {@code Last-Event-ID} is not a decimal local id
 * and a replication is configured): {@link io.ringcast.engine.spi.Replication#resume} runs on the server's bounded
 * resume executor (it blocks on storage) and returns once the live subscription is registered; only then is the
 * response head written, followed by {@code event: reset} when the resume is not exact. While the
 * {@link ResumedStream} is not {@linkplain ResumedStream#caughtUp() caught up}, each event is framed for this client
 * with its own position as the {@code id}; afterwards the shared frames are used again.
 *
 * <p>Refusals before the head ({@code resume_unavailable}, {@code shutting_down}, {@code slow_client}) are answered
 * through {@link StreamRefusal}, in a form a browser's {@code EventSource} retries.
 *
 * <p>Threading: the {@link SubscriptionListener} callbacks may be called from any thread and only schedule work; so
 * do the callbacks of the resume task; every other method runs on the channel's event loop.
 */
final class SseStream extends Heartbeats.Member implements SubscriptionListener, EventHandler, Runnable
{
    /** A client that does not take the rest of an ended stream within this long is cut off. */
    static final long END_FLUSH_TIMEOUT_MS = 5_000;


    /** Where a stream is in its life; see the class javadoc for the transitions. */
    enum State
    {
        /** Subscribed; the engine has not registered the subscription yet. Nothing written. */
        REGISTERING,
        /** The replica resume runs on the resume executor. Nothing written. */
        REPLICA_RESUMING,
        /** Head written; the resume's outcome is pending (durable log replay), events wait. */
        RESUMING,
        /** Head written; events flow. */
        LIVE,
        /** The engine closed the subscription; what is queued is being written before the stream ends. */
        FLUSHING,
        /** Over: released, nothing more is written by this stream. */
        ENDED
    }

    private final ChannelHandlerContext ctx;
    /** The channel's event loop, kept so that the dispatcher's wake-up does not walk ctx -> channel -> loop. */
    private final EventExecutor loop;
    /** The loop's woken streams: the engine's wake-ups are coalesced into one task per loop. */
    private final ReadyStreams ready;
    private final ServerMetrics metrics;
    private final StreamSettings settings;
    private final int batchLimit;
    private final boolean http10;
    private final boolean wantsJson;
    private final String resumeId;
    private State state;
    private Subscription subscription;
    /** The loop's reader of {@link #subscription}'s engine ({@link ReadyStreams#reader}), or {@code null}. */
    private EventReader reader;
    private ResumedStream resumed;
    /** The loop's heartbeat task, which visits this stream once its head is written. */
    private final Heartbeats heartbeats;
    private boolean wroteSinceHeartbeat;
    /**
     * Where event batches are written from: just in front of the HTTP/1 body encoder ({@link StreamBodyEncoder}, which
     * replaces the HTTP codec once the head is written), so a batch skips the handlers behind it and the per-message
     * encoding; the batch carries its own chunk framing ({@link #chunk}). The encoder writes the heartbeats and the
     * final chunk, so both paths produce one valid chunked body. {@code null} (use the normal path) when the pipeline
     * has no codec named {@code http} (an HTTP/2 stream, unit tests with a bare pipeline). Set with the head.
     */
    private ChannelHandlerContext rawOutput;
    /**
     * The connection's socket when batches may be written to it directly ({@link DirectSocket}: epoll, nothing in
     * front of {@link #rawOutput} that handles outbound bytes), else {@code null}. Set with the head.
     */
    private DirectSocket socket;
    /** This stream's share of {@link ServerMetrics#pendingBytes}: its channel's unwritten bytes when last read. */
    private long accountedBytes;
    /** Size of the last frame drained, to size the next drain to the room left in the byte budget. */
    private int lastFrameBytes = 1;
    /** Created the first time the stream holds unwritten bytes. */
    private Behind behind;
    /** Frames are {@link EnvelopeFrames} built for this stream rather than the shared {@link SseFrames}. */
    private boolean envelope;

    private SseStream(
        final ChannelHandlerContext ctx, final ServerMetrics metrics, final StreamSettings settings,
        final String resumeId, final boolean http10, final boolean wantsJson, final State initial)
    {
        this.ctx = ctx;
        this.loop = ctx.executor();
        this.ready = ReadyStreams.of(loop);
        this.heartbeats = Heartbeats.of(loop, settings.heartbeatIntervalMs());
        this.metrics = metrics;
        this.settings = settings;
        this.batchLimit = settings.drainBatch();
        this.http10 = http10;
        this.wantsJson = wantsJson;
        this.resumeId = resumeId;
        this.state = initial;
    }

    /**
     * Subscribes; the response head, the {@code retry:} frame and the heartbeats follow once the engine has
     * registered the subscription ({@link #onRegistered}). Call on the event loop.
     *
     * @param resumeAfter the id to resume after, or {@link SubscribeOptions#NO_RESUME}.
     * @param user        the user the stream acts for (private events), or {@code null}.
     * @param http10      the request was HTTP/1.0: no chunked encoding, the stream ends by closing.
     * @param wantsJson   the client asked for JSON refusals ({@link StreamRefusal#wantsJson}).
     * @throws IllegalStateException when the engine is closed (the caller answers 503).
     */
    static SseStream open(
        final ChannelHandlerContext ctx,
        final Engine engine,
        final Filter filter,
        final long resumeAfter,
        final String user,
        final boolean http10,
        final boolean wantsJson,
        final StreamSettings settings,
        final ServerMetrics metrics)
    {
        final SseStream stream = new SseStream(ctx, metrics, settings,
            resumeAfter == SubscribeOptions.NO_RESUME ? null : Long.toString(resumeAfter), http10, wantsJson,
            State.REGISTERING);
        final SubscribeOptions options = SubscribeOptions.defaults()
            .queueCapacity(settings.queueCapacity())
            .policy(settings.policy())
            .actingFor(user)
            .listener(stream);
        if (resumeAfter != SubscribeOptions.NO_RESUME)
        {
            options.resumeAfter(resumeAfter);
        }
        stream.reader = stream.ready.reader(engine);
        stream.subscription = engine.subscribeAsync(filter, options);
        metrics.openStreams.increment();
        return stream;
    }

    /**
     * Resumes from a replication position: refuses at once (503) when the resume executor is saturated, else answers
     * once the resume is open and its live subscription registered (200, or a refusal). Call on the event loop.
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
        final boolean http10,
        final boolean wantsJson)
    {
        final StreamSettings settings = server.streams;
        final SseStream stream = new SseStream(ctx, server.metrics, settings, lastEventId, http10, wantsJson,
            State.REPLICA_RESUMING);
        // the wake-up adapter has no onRegistered: the head follows the resume, which returns once registered
        final SubscribeOptions options = SubscribeOptions.defaults()
            .queueCapacity(settings.queueCapacity())
            .policy(settings.policy())
            .actingFor(user)
            .listener(stream.new WakeUp());
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

    /** @return where the stream is in its life; event loop only. */
    State state()
    {
        return state;
    }

    // ------------------------------------------------------------------------------------------ engine callbacks

    /** Dispatcher thread: the subscription is registered; answer the request on the event loop. */
    @Override
    public void onRegistered(final ResumeOutcome outcome)
    {
        loop.execute(this::registered);
    }

    /** Replay thread: the pending resume's outcome is final. */
    @Override
    public void onResumeOutcome(final ResumeOutcome outcome)
    {
        loop.execute(() -> resumeSettled(outcome));
    }

    @Override
    public void onAvailable()
    {
        ready.wake(this);
    }

    /** Ends the stream after the engine closed the subscription: the task drains what is queued, then ends. */
    @Override
    public void onClosed(final CloseReason reason)
    {
        loop.execute(() -> closedByEngine(reason));
    }

    // ------------------------------------------------------------------------------------------ transitions

    private void registered()
    {
        if (state != State.REGISTERING)
        {
            return;
        }
        writeHead();
        // read now, not the value passed to onRegistered: a durable replay may have settled in between
        final ResumeOutcome outcome = subscription.resumeOutcome();
        if (outcome == ResumeOutcome.PENDING)
        {
            state = State.RESUMING;
            return;
        }
        goLive(outcome == ResumeOutcome.GAP);
    }

    private void resumeSettled(final ResumeOutcome outcome)
    {
        if (state == State.RESUMING)
        {
            goLive(outcome == ResumeOutcome.GAP);
        }
    }

    private void goLive(final boolean gap)
    {
        state = State.LIVE;
        if (gap)
        {
            metrics.resets.increment();
            writeFrames(SseFrames.reset(resumeId));
            ctx.flush();
        }
        run();
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
                loop.execute(() -> refuse(HttpError.badRequest("invalid " + source +
                    ": the replication does not resume from '" + lastEventId + "'")));
                return;
            }
            loop.execute(() -> attach(r));
        }
        catch (final IllegalArgumentException e)
        {
            loop.execute(() -> refuse(HttpError.badRequest("invalid " + source + ": " + e.getMessage())));
        }
        catch (final Exception e)
        {
            if (e instanceof InterruptedException)
            {
                Thread.currentThread().interrupt();
            }
            loop.execute(() -> refuse(new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "resume_unavailable", "cannot resume from '" + lastEventId + "' now: " + e.getMessage())));
        }
    }

    private void attach(final ResumedStream r)
    {
        if (state != State.REPLICA_RESUMING)
        {
            r.close();
            return;
        }
        resumed = r;
        writeHead();
        goLive(!r.exact());
    }

    /** Answers the request with a refusal instead of a stream; only before the head. */
    private void refuse(final HttpError e)
    {
        if (state != State.REGISTERING && state != State.REPLICA_RESUMING)
        {
            return;
        }
        state = State.ENDED;
        release();
        metrics.countError(e.status.code());
        StreamRefusal.writeAndClose(ctx, e, wantsJson, settings.retryMs());
    }

    private void writeHead()
    {
        final int budget = settings.streamBufferBytes();
        ctx.channel().config().setWriteBufferWaterMark(new WriteBufferWaterMark(budget / 2, budget));
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
        // from here on the connection only writes this stream's body: drop the request side
        rawOutput = StreamBodyEncoder.install(ctx.pipeline(), http10);
        socket = rawOutput == null ? null : DirectSocket.of(rawOutput);
        metrics.streamsOpened.increment();
        heartbeats.add(this);
    }

    private void closedByEngine(final CloseReason reason)
    {
        switch (state)
        {
            case ENDED, FLUSHING -> { }
            case REPLICA_RESUMING, REGISTERING ->
            {
                if (reason == CloseReason.SLOW_CONSUMER)
                {
                    // the live queue overflowed before the head: a slow client, which may retry at once
                    metrics.cutOff(CutOff.QUEUE);
                    refuse(new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "slow_client",
                        "the stream fell behind while its resume was prepared; reconnect with the same Last-Event-ID"));
                }
                else if (state == State.REGISTERING || reason != CloseReason.CLOSED_BY_CONSUMER)
                {
                    // closed before registration: the engine is shutting down
                    refuse(new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "shutting_down",
                        "the stream was closed before it started: " + reason));
                }
                // else: a replica resume that failed closed its own subscription; its refusal, on its way, answers
            }
            case RESUMING, LIVE ->
            {
                if (reason == CloseReason.SLOW_CONSUMER)
                {
                    // the client stopped reading: a flush would never complete, so cut the connection now
                    cutOff(CutOff.QUEUE);
                    return;
                }
                if (state == State.RESUMING && subscription.resumeOutcome() == ResumeOutcome.GAP)
                {
                    metrics.resets.increment();
                    writeFrames(SseFrames.reset(resumeId));
                }
                state = State.FLUSHING;
                while (state == State.FLUSHING && drainOnce())
                {
                    // write everything still queued, writable or not: it is bounded by the queue capacity
                }
                end();
            }
            default -> throw new IllegalStateException("unknown state " + state);
        }
    }

    /** Called by the router when the connection closed: releases the subscription and the heartbeat. */
    void onChannelClosed()
    {
        if (state != State.ENDED)
        {
            state = State.ENDED;
            release();
        }
    }

    /**
     * Ends the response cleanly (terminating chunk) and closes the connection after the flush, or after
     * {@value #END_FLUSH_TIMEOUT_MS} ms when the client does not read (a stalled client must not pin its buffers).
     */
    void end()
    {
        if (state == State.ENDED)
        {
            return;
        }
        state = State.ENDED;
        release();
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        if (ctx.channel().isActive())
        {
            loop.schedule(() -> ctx.close(), END_FLUSH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
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
        switch (state)
        {
            case ENDED, FLUSHING:
                return true;
            case REGISTERING, REPLICA_RESUMING:
                return false;
            default:
                writeFrames(frame);
                end();
                return true;
        }
    }

    /** Cuts the connection at once: a flush would not complete, and its buffers must not stay pinned. */
    private void cutOff(final CutOff cause)
    {
        if (state == State.ENDED)
        {
            return;
        }
        metrics.cutOff(cause);
        state = State.ENDED;
        release();
        ctx.close();
    }

    private void release()
    {
        metrics.openStreams.decrement();
        if (accountedBytes != 0)
        {
            metrics.pendingBytes.addAndGet(-accountedBytes);
            accountedBytes = 0;
        }
        heartbeats.remove(this);
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

    // ------------------------------------------------------------------------------------------ delivery

    /** Drains one batch; scheduled by the engine's wake-up and by writability changes. */
    @Override
    public void run()
    {
        if (state != State.LIVE)
        {
            return;
        }
        if (!ctx.channel().isWritable())
        {
            // the stream's byte budget is used up: an event waiting now does not fit
            if (behind().takeOne())
            {
                behind.overBound(CutOff.STREAM_BUDGET);
            }
            return;
        }
        if (accountedBytes > 0 && metrics.pendingBytes.get() > settings.pendingBytesBudget())
        {
            account();
            if (accountedBytes > 0 && metrics.pendingBytes.get() > settings.pendingBytesBudget() &&
                behind().takeOne())
            {
                behind.overBound(CutOff.GLOBAL_BUDGET);
                return;
            }
        }
        if (drainOnce() && state == State.LIVE)
        {
            ready.wake(this);
        }
    }

    /** Called by the router when the channel's writability changed. */
    void onWritabilityChanged()
    {
        if (state == State.ENDED)
        {
            return;
        }
        account();
        if (ctx.channel().isWritable())
        {
            run();
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
        final boolean catchingUp = r != null && !r.caughtUp();
        // catching up after a replica resume: this client's position, not the node's stamp, is its id
        final FrameBatch batch = ready.batch();
        if (envelope)
        {
            final byte[] frame = EnvelopeFrames.frame(catchingUp ? r.position() : event.idString(), event);
            batch.add(frame);
            lastFrameBytes = frame.length;
        }
        else
        {
            lastFrameBytes = batch.addEvent(catchingUp ? r.position() : null, event);
        }
    }

    /**
     * @return how many events the next drain may take: about as many as fit in the room left in the stream's and the
     *         server's budgets of unwritten bytes, at least one.
     */
    private int limit()
    {
        final long room = Math.min(settings.streamBufferBytes() - accountedBytes,
            settings.pendingBytesBudget() - metrics.pendingBytes.get());
        return (int)Math.max(1, Math.min(batchLimit, room / lastFrameBytes));
    }

    /** Hands up to {@code limit} of the subscription's events to {@code handler}, through the loop's reader. */
    private int drainSubscription(final EventHandler handler, final int limit)
    {
        return reader != null ? reader.drain(subscription, handler, limit) : subscription.drain(handler, limit);
    }

    /** @return {@code true} when the drain took its whole limit: more may be waiting and no wake-up will come. */
    private boolean drainOnce()
    {
        final FrameBatch b = ready.batch();
        final int n;
        final int limit = limit();
        try
        {
            n = resumed != null ? resumed.drain(this, limit) : drainSubscription(this, limit);
        }
        catch (final RuntimeException e)
        {
            b.clear();
            throw e;
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
            else if (socket != null && socket.idle())
            {
                writeDirect(b);
            }
            else
            {
                raw.writeAndFlush(chunk(b), raw.voidPromise());
            }
            wroteSinceHeartbeat = true;
            account();
            if (accountedBytes > 0 && state == State.LIVE &&
                metrics.pendingBytes.get() > settings.pendingBytesBudget() &&
                settings.slowClientPolicy() == SlowClientPolicy.DISCONNECT)
            {
                // this write left the stream behind with the server over its budget: it is the slow client
                cutOff(CutOff.GLOBAL_BUDGET);
                return false;
            }
        }
        return n == limit;
    }

    /**
     * Writes the batch straight to the idle socket, {@link FrameBatch#STAGING_BYTES} at a time, until the socket takes
     * no more; what it does not take is queued through the pipeline behind it. A broken connection is closed (as Netty
     * closes a channel whose write fails), which ends the stream. Empties the batch.
     */
    private void writeDirect(final FrameBatch b)
    {
        final int framed = b.frame(!http10);
        int at = 0;
        try
        {
            while (at < framed)
            {
                final int to = Math.min(framed, at + FrameBatch.STAGING_BYTES);
                b.stage(at, to);
                at += socket.write(b.stagingMemory(), 0, to - at);
                if (at < to)
                {
                    break; // the socket's buffer is full
                }
            }
        }
        catch (final IOException broken)
        {
            b.clear();
            ctx.channel().close();
            return;
        }
        metrics.directWrites.increment();
        if (at < framed)
        {
            metrics.directWritesPartial.increment();
            final ByteBuf rest = ctx.alloc().directBuffer(framed - at);
            b.copyFramed(at, framed, rest);
            rawOutput.writeAndFlush(rest, rawOutput.voidPromise());
        }
        b.clear();
    }

    /**
     * One pooled buffer holding the batch as {@link FrameBatch#frame} frames it (an HTTP/1.1 chunk unless HTTP/1.0),
     * the same bytes a direct write sends; empties the batch.
     */
    private ByteBuf chunk(final FrameBatch b)
    {
        final int framed = b.frame(!http10);
        final ByteBuf buffer = ctx.alloc().directBuffer(framed);
        b.copyFramed(0, framed, buffer);
        b.clear();
        return buffer;
    }

    /** Brings this stream's share of the global count of unwritten bytes up to date; arms the marker if behind. */
    private void account()
    {
        final ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        final long pending = out == null || state == State.ENDED ? 0 : out.totalPendingWriteBytes();
        if (pending != accountedBytes)
        {
            metrics.pendingBytes.addAndGet(pending - accountedBytes);
            accountedBytes = pending;
        }
        if (pending > 0 && state != State.ENDED)
        {
            behind().armMarker();
        }
    }

    private Behind behind()
    {
        Behind b = behind;
        if (b == null)
        {
            b = new Behind();
            behind = b;
        }
        return b;
    }

    @Override
    void heartbeat()
    {
        if (state == State.ENDED)
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

    /**
     * What a stream needs once it holds unwritten bytes: the marker write that shows the socket progressing, the write
     * timeout's check, and the handlers that take or drop events at a bound. Event loop only.
     */
    private final class Behind implements ChannelFutureListener, EventHandler
    {
        private final Runnable afterMarker = this::afterMarker;
        private final Runnable writeTimeoutCheck = this::checkWriteTimeout;
        /** An empty write with a promise is queued behind unwritten bytes; its completion shows the socket progressed. */
        private boolean markerOutstanding;
        private long markerWrittenNanos;
        private boolean writeTimeoutScheduled;
        /** Events taken from the engine at a bound: 1 for {@link #takeOne}, counting for {@link #overBound}. */
        private int taken;

        /** An empty write whose promise completes once everything written before it has reached the socket. */
        void armMarker()
        {
            if (markerOutstanding)
            {
                return;
            }
            markerOutstanding = true;
            markerWrittenNanos = System.nanoTime();
            final ChannelHandlerContext out = rawOutput != null ? rawOutput : ctx;
            out.writeAndFlush(Unpooled.EMPTY_BUFFER, out.newPromise().addListener(this));
            if (!writeTimeoutScheduled)
            {
                writeTimeoutScheduled = true;
                loop.schedule(writeTimeoutCheck, settings.writeTimeoutNanos(), TimeUnit.NANOSECONDS);
            }
        }

        /** The marker completed (or failed: the channel closed). */
        @Override
        public void operationComplete(final ChannelFuture future)
        {
            markerOutstanding = false;
            if (future.isSuccess() && state != State.ENDED)
            {
                // the channel is still inside its write loop, which counts the marker's entry out after this returns
                loop.execute(afterMarker);
            }
        }

        private void afterMarker()
        {
            if (state != State.ENDED)
            {
                account();
            }
        }

        private void checkWriteTimeout()
        {
            writeTimeoutScheduled = false;
            if (state == State.ENDED || !markerOutstanding)
            {
                return;
            }
            final long waited = System.nanoTime() - markerWrittenNanos;
            if (waited >= settings.writeTimeoutNanos())
            {
                cutOff(CutOff.WRITE_TIMEOUT);
                return;
            }
            writeTimeoutScheduled = true;
            loop.schedule(writeTimeoutCheck, settings.writeTimeoutNanos() - waited, TimeUnit.NANOSECONDS);
        }

        /**
         * Takes one waiting event, or re-arms the engine's wake-up when none waits (so an event that arrives later
         * calls {@link #onAvailable()} and is judged then).
         *
         * @return {@code true} when an event was waiting (and is now taken).
         */
        boolean takeOne()
        {
            taken = 0;
            return (resumed != null ? resumed.drain(this, 1) : drainSubscription(this, 1)) > 0;
        }

        /**
         * The event {@link #takeOne} took does not fit within {@code bound}: the slow-client policy applies.
         * Disconnect cuts the connection now (the client resumes from history with its last id); drop discards every
         * event waiting now, counts them, and keeps the stream.
         */
        void overBound(final CutOff bound)
        {
            if (settings.slowClientPolicy() == SlowClientPolicy.DISCONNECT)
            {
                cutOff(bound);
                return;
            }
            while ((resumed != null ? resumed.drain(this, batchLimit) : drainSubscription(this, batchLimit)) ==
                batchLimit)
            {
                // bounded by the engine queue's capacity
            }
            metrics.framesDropped[bound.ordinal()].add(taken);
            taken = 0;
        }

        @Override
        public void onEvent(final Event event)
        {
            taken++;
        }
    }

    /** The listener of a replica resume's subscription: wake-ups and closes only (the resume answers the head). */
    private final class WakeUp implements SubscriptionListener
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
    }
}
