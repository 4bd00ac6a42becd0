package io.ringcast.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.spi.MetricSink;
import io.ringcast.journal.DurableConsumer;
import io.ringcast.journal.Journal;
import io.ringcast.journal.JournalConfig;
import io.ringcast.journal.Seek;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The server's journal ({@code --data-dir}): opens it, adds it to the engine, refuses publishes while it cannot
 * write (507 with a JSON body, counted), and answers {@code POST /publish?ack=durable} once the published events are
 * synced to disk. One thread ({@code ringcast-durable-acks}) waits for the journal's group commits and hands each
 * answer back to its connection's event loop; waiting answers are bounded ({@link #MAX_PENDING}, 503 beyond).
 *
 * <p>Thread-safety: {@link #open} and {@link #close} on the composing thread; everything else on any thread.
 */
final class DurableLog implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DurableLog.class);
    /** Durable answers waiting for a sync at most; more are refused with 503. */
    static final int MAX_PENDING = 16_384;
    /** A durable answer not synced within this is answered 503 (the events stay published). */
    static final long DURABLE_TIMEOUT_MS = 5_000;

    private final Journal journal;
    private final Map<String, DurableConsumer> consumers = new ConcurrentHashMap<>();
    /** Runs consumer commits (a file replace and sync each) off the event loops; bounded. */
    private final ExecutorService commits = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(1024), new DefaultThreadFactory("ringcast-consumer-commits", true));
    private final ArrayBlockingQueue<Pending> pending = new ArrayBlockingQueue<>(MAX_PENDING);
    private final Thread acker;
    private final LongAdder refusedUnwritable = new LongAdder();
    private final LongAdder durableAcks = new LongAdder();
    private final LongAdder durableTimeouts = new LongAdder();
    private volatile boolean closed;
    private volatile boolean wasWritable = true;

    private record Pending(long id, ChannelHandlerContext ctx, String json, boolean keepAlive, long deadlineNs)
    {
    }

    private DurableLog(final Journal journal)
    {
        this.journal = journal;
        this.acker = new DefaultThreadFactory("ringcast-durable-acks", true).newThread(this::runAcks);
        this.acker.start();
    }

    /** @return the journal for {@code config.dataDir()}, or {@code null} when the server keeps memory only. */
    static DurableLog open(final ServerConfig config)
    {
        if (config.dataDir() == null)
        {
            return null;
        }
        try
        {
            final Journal journal = Journal.open(new JournalConfig()
                .directory(config.dataDir())
                .retentionBytes(config.retentionBytes())
                .retention(Duration.ofMillis(config.retentionMs())));
            LOG.info("journal in {}: {} segment(s), {} bytes, newest id {}", config.dataDir().toAbsolutePath(),
                journal.segmentCount(), journal.bytes(), journal.recoveredLastId());
            final DurableLog log = new DurableLog(journal);
            for (final Map.Entry<String, String> c : config.consumers().entrySet())
            {
                log.consumers.put(c.getKey(), journal.consumer(c.getKey(), Seek.parse(c.getValue())));
            }
            return log;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot open the journal in " + config.dataDir() + " (--data-dir): " +
                e.getMessage(), e);
        }
    }

    /** Adds the journal's stage and log to the engine about to start. */
    void configure(final EngineConfig engine)
    {
        journal.configure(engine);
    }

    /** @throws HttpError 507 while the journal cannot write; nothing was published. */
    void refuseIfUnwritable()
    {
        if (!journal.isWritable())
        {
            refusedUnwritable.increment();
            if (wasWritable)
            {
                wasWritable = false;
                LOG.warn("journal cannot write ({}); publishes are refused with 507 until it can",
                    journal.unavailableReason());
            }
            throw new HttpError(HttpResponseStatus.INSUFFICIENT_STORAGE, "journal_unavailable",
                "the server cannot write its journal (" + journal.unavailableReason() + "); nothing was " +
                "published; retry after the Retry-After delay");
        }
        if (!wasWritable)
        {
            wasWritable = true;
            LOG.info("journal writes again; publishes are accepted");
        }
    }

    /**
     * Answers {@code json} with 202 once {@code lastId} is synced, from the connection's event loop; or 503 when
     * that takes longer than {@link #DURABLE_TIMEOUT_MS} or the journal cannot write.
     */
    void answerWhenDurable(
        final ChannelHandlerContext ctx, final long lastId, final String json, final boolean keepAlive)
    {
        if (journal.durableId() >= lastId)
        {
            durableAcks.increment();
            Responses.json(ctx, HttpResponseStatus.ACCEPTED, json, keepAlive);
            return;
        }
        journal.requestSync(lastId);
        final Pending p = new Pending(lastId, ctx, json, keepAlive,
            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DURABLE_TIMEOUT_MS));
        if (closed || !pending.offer(p))
        {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "durable_ack_unavailable",
                "the events were published but too many durable acknowledgements are waiting to confirm them; " +
                "retry with ack=memory or later");
        }
        LockSupport.unpark(acker);
    }

    private void runAcks()
    {
        while (!closed || !pending.isEmpty())
        {
            final Pending head = pending.peek();
            if (head == null)
            {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                continue;
            }
            journal.requestSync(head.id);
            final long durable = journal.durableId();
            if (durable >= head.id)
            {
                pending.poll();
                durableAcks.increment();
                head.ctx.executor().execute(() -> Responses.json(head.ctx, HttpResponseStatus.ACCEPTED, head.json,
                    head.keepAlive));
                continue;
            }
            if (System.nanoTime() - head.deadlineNs >= 0 || closed)
            {
                pending.poll();
                durableTimeouts.increment();
                final String reason = journal.isWritable() ? "not synced within " + DURABLE_TIMEOUT_MS + " ms" :
                    "the journal cannot write: " + journal.unavailableReason();
                head.ctx.executor().execute(() -> Responses.write(head.ctx, Responses.error(
                    HttpResponseStatus.SERVICE_UNAVAILABLE, "not_durable", "the events were published in memory " +
                    "but are not confirmed on disk (" + reason + "); they may be lost in a crash"), head.keepAlive));
                continue;
            }
            journal.awaitDurable(head.id, 1, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * @return the id a stream for {@code consumer} resumes after: its committed id, or where its seek put it.
     * @throws HttpError 404 for a consumer that is not configured.
     */
    long consumerStart(final String consumer)
    {
        return consumer(consumer).startAfterId();
    }

    private DurableConsumer consumer(final String name)
    {
        final DurableConsumer c = consumers.get(name);
        if (c == null)
        {
            throw new HttpError(HttpResponseStatus.NOT_FOUND, "unknown_consumer", "no consumer '" + name +
                "'; configured: " + consumers.keySet() + " (--consumers)");
        }
        return c;
    }

    /** Commits {@code id} for {@code consumer} off the event loop and answers 200, or 400 when the id is unknown. */
    void commit(final ChannelHandlerContext ctx, final String consumer, final long id, final boolean keepAlive)
    {
        final DurableConsumer c = consumer(consumer);
        try
        {
            commits.execute(() ->
            {
                String json = null;
                io.netty.handler.codec.http.FullHttpResponse error = null;
                synchronized (c)
                {
                    try
                    {
                        c.commit(id);
                        json = "{\"consumer\":" + Responses.quote(consumer) + ",\"committed\":\"" + id + "\"}";
                    }
                    catch (final IllegalArgumentException e)
                    {
                        error = Responses.error(HttpResponseStatus.BAD_REQUEST, "bad_request", e.getMessage());
                    }
                    catch (final IOException | RuntimeException e)
                    {
                        error = Responses.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "commit_failed",
                            "the position could not be stored: " + e.getMessage());
                    }
                }
                final String ok = json;
                final io.netty.handler.codec.http.FullHttpResponse failed = error;
                ctx.executor().execute(() ->
                {
                    if (failed == null)
                    {
                        Responses.json(ctx, HttpResponseStatus.OK, ok, keepAlive);
                    }
                    else
                    {
                        Responses.write(ctx, failed, keepAlive);
                    }
                });
            });
        }
        catch (final RejectedExecutionException e)
        {
            throw new HttpError(HttpResponseStatus.SERVICE_UNAVAILABLE, "commit_busy",
                "too many commits are waiting to be stored; retry after the Retry-After delay");
        }
    }

    /** @return {@code true} while the journal can write. */
    boolean writable()
    {
        return journal.isWritable();
    }

    /** @return why the journal cannot write, or {@code null}. */
    String unavailableReason()
    {
        return journal.unavailableReason();
    }

    void metrics(final MetricSink sink)
    {
        journal.metrics(sink);
        sink.counter("publish_refused_journal_total", "POST /publish refused with 507 because the journal could " +
            "not write", refusedUnwritable.sum());
        sink.counter("publish_durable_acks_total", "ack=durable answers sent after the sync",
            durableAcks.sum());
        sink.counter("publish_durable_timeouts_total", "ack=durable answers that could not confirm the sync (503)",
            durableTimeouts.sum());
        sink.gauge("publish_durable_waiting", "ack=durable answers waiting for a sync", pending.size());
    }

    /** Answers what waits, then drains and closes the journal. Call after the engine closed. */
    @Override
    public void close()
    {
        closed = true;
        LockSupport.unpark(acker);
        commits.shutdown();
        try
        {
            commits.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
        journal.close();
        try
        {
            acker.join(TimeUnit.MILLISECONDS.toMillis(DURABLE_TIMEOUT_MS + 1000));
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}
