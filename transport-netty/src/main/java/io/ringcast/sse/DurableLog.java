package io.ringcast.sse;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ringcast.engine.spi.Durability;
import io.ringcast.engine.spi.DurableStore;
import io.ringcast.engine.spi.DurableStoreProvider;
import io.ringcast.engine.spi.MetricSink;
import io.ringcast.engine.spi.NamedConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The server's durability: its local store ({@code --data-dir}, a {@link DurableStore} found through
 * {@link ServiceLoader}: the journal) and what its replication stores durably (the PostgreSQL outbox). It refuses
 * publishes while the store cannot write (507 with a JSON body, counted), answers
 * {@code POST /publish?ack=durable} once the published events are durable at every level the server has (synced to
 * the journal, committed to the outbox), and runs the named consumers' commits. One thread
 * ({@code ringcast-durable-acks}) waits for the durable watermark and hands each answer back to its connection's
 * event loop; waiting answers are bounded ({@link #MAX_PENDING}, 503 beyond).
 *
 * <p>Thread-safety: {@link #openStore}, {@link #create} and {@link #close} on the composing thread; everything else
 * on any thread.
 */
final class DurableLog implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DurableLog.class);
    /** Durable answers waiting for a sync at most; more are refused with 503. */
    static final int MAX_PENDING = 16_384;
    /** A durable answer not confirmed within this is answered 503 (the events stay published). */
    static final long DURABLE_TIMEOUT_MS = 5_000;

    /** The local store, or {@code null} (memory only, or durability through the replication alone). */
    private final DurableStore store;
    /** Every level an {@code ack=durable} waits for. */
    private final Durability durability;
    /** Where a durable answer's events are, for messages: "on disk", "in the outbox", "on disk and in the outbox". */
    private final String where;
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

    private record Pending(
        long firstId, long id, ChannelHandlerContext ctx, String json, boolean keepAlive, long deadlineNs)
    {
    }

    private DurableLog(final DurableStore store, final Durability replicated)
    {
        this.store = store;
        this.durability = Durability.both(store, replicated);
        this.where = store == null ? "in the outbox" : replicated == null ? "on disk" : "on disk and in the outbox";
        this.acker = new DefaultThreadFactory("ringcast-durable-acks", true).newThread(this::runAcks);
        this.acker.start();
    }

    /**
     * @return the store for {@code config.dataDir()}, opened by the {@link DurableStoreProvider} on the class path,
     *         or {@code null} when the server keeps memory only.
     * @throws IllegalArgumentException when a data directory is configured but no provider is on the class path, or
     *                                  a setting is refused.
     * @throws UncheckedIOException     when the directory cannot be used.
     */
    static DurableStore openStore(final ServerConfig config)
    {
        if (config.dataDir() == null)
        {
            return null;
        }
        final List<DurableStoreProvider> providers = new ArrayList<>();
        ServiceLoader.load(DurableStoreProvider.class).forEach(providers::add);
        if (providers.isEmpty())
        {
            throw new IllegalArgumentException("--data-dir " + config.dataDir() + " needs a durable store on the " +
                "class path (ringcast-journal, which the runnable server includes); or use --data-dir none");
        }
        if (providers.size() > 1)
        {
            throw new IllegalArgumentException("several durable stores on the class path: " +
                providers.stream().map(DurableStoreProvider::name).toList() + "; keep one");
        }
        final DurableStoreProvider provider = providers.get(0);
        try
        {
            for (final String seek : config.consumers().values())
            {
                provider.checkSeek(seek);
            }
            final DurableStore store = provider.open(new DurableStoreProvider.Settings(config.dataDir(),
                config.retentionBytes(), config.retentionMs(), config.consumers(), config.maxEventBytes(),
                config.journalWriteIntervalMs(), config.journalSyncIntervalMs()));
            LOG.info("{} in {}: newest id {}", provider.name(), config.dataDir().toAbsolutePath(),
                store.recoveredLastId());
            return store;
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException("cannot open the journal in " + config.dataDir() + " (--data-dir): " +
                e.getMessage(), e);
        }
    }

    /**
     * @param store      the local store, or {@code null}.
     * @param replicated what the started replication stores durably, or {@code null}.
     * @return the server's durability, or {@code null} when it has none (memory only: {@code ack=durable} is
     *         refused).
     */
    static DurableLog create(final DurableStore store, final Durability replicated)
    {
        return store == null && replicated == null ? null : new DurableLog(store, replicated);
    }

    /** @return {@code true} when the server has a local store (named consumers, 507 while it cannot write). */
    boolean hasStore()
    {
        return store != null;
    }

    /** @throws HttpError 507 while the local store cannot write; nothing was published. */
    void refuseIfUnwritable()
    {
        if (store == null)
        {
            return;
        }
        if (!store.writable())
        {
            refusedUnwritable.increment();
            if (wasWritable)
            {
                wasWritable = false;
                LOG.warn("journal cannot write ({}); publishes are refused with 507 until it can",
                    store.unavailableReason());
            }
            throw new HttpError(HttpResponseStatus.INSUFFICIENT_STORAGE, "journal_unavailable",
                "the server cannot write its journal (" + store.unavailableReason() + "); nothing was " +
                "published; retry after the Retry-After delay");
        }
        if (!wasWritable)
        {
            wasWritable = true;
            LOG.info("journal writes again; publishes are accepted");
        }
    }

    /**
     * Answers {@code json} with 202 once the events {@code firstId..lastId} are durable at every level, from the
     * connection's event loop; or 503 when that takes longer than {@link #DURABLE_TIMEOUT_MS}, or when one of them
     * was lost at a bound on the way (a full relay buffer, retention).
     */
    void answerWhenDurable(
        final ChannelHandlerContext ctx, final long firstId, final long lastId, final String json,
        final boolean keepAlive)
    {
        if (durability.durableId() >= lastId && !durability.lostWithin(firstId, lastId))
        {
            durableAcks.increment();
            Responses.json(ctx, HttpResponseStatus.ACCEPTED, json, keepAlive);
            return;
        }
        durability.requestDurable(lastId);
        final Pending p = new Pending(firstId, lastId, ctx, json, keepAlive,
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
            durability.requestDurable(head.id);
            final long durable = durability.durableId();
            if (durable >= head.id && durability.lostWithin(head.firstId, head.id))
            {
                pending.poll();
                durableTimeouts.increment();
                head.ctx.executor().execute(() -> Responses.write(head.ctx, Responses.error(
                    HttpResponseStatus.SERVICE_UNAVAILABLE, "not_durable", "the events were published in memory " +
                    "but some were lost before they were stored " + where + " (a full buffer or retention; see " +
                    "/healthz); they may be missing elsewhere"), head.keepAlive));
                continue;
            }
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
                final String cause = durability.unavailableReason();
                final String reason = cause == null ? "not confirmed within " + DURABLE_TIMEOUT_MS + " ms" : cause;
                final String detail = store != null && durability != store && store.durableId() >= head.id ?
                    "the events are synced to this node's disk but not yet committed to the outbox (" + reason +
                    "); the node copies them there when it can, also after a restart" :
                    "the events were published in memory but are not confirmed " + where + " (" + reason +
                    "); they may be lost in a crash";
                head.ctx.executor().execute(() -> Responses.write(head.ctx, Responses.error(
                    HttpResponseStatus.SERVICE_UNAVAILABLE, "not_durable", detail), head.keepAlive));
                continue;
            }
            durability.awaitDurable(head.id, 1, TimeUnit.MILLISECONDS);
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

    private NamedConsumer consumer(final String name)
    {
        final NamedConsumer c = store == null ? null : store.consumer(name);
        if (c == null)
        {
            throw new HttpError(HttpResponseStatus.NOT_FOUND, "unknown_consumer", "no consumer '" + name +
                "'; configured: " + (store == null ? "[]" : store.consumerNames()) + " (--consumers)");
        }
        return c;
    }

    /** Commits {@code id} for {@code consumer} off the event loop and answers 200, or 400 when the id is unknown. */
    void commit(final ChannelHandlerContext ctx, final String consumer, final long id, final boolean keepAlive)
    {
        final NamedConsumer c = consumer(consumer);
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

    /** @return {@code true} while the local store can write (or there is none). */
    boolean writable()
    {
        return store == null || store.writable();
    }

    /** @return why the local store cannot write, or {@code null}. */
    String unavailableReason()
    {
        return store == null ? null : store.unavailableReason();
    }

    void metrics(final MetricSink sink)
    {
        if (store != null)
        {
            store.metrics(sink);
        }
        sink.counter("publish_refused_journal_total", "POST /publish refused with 507 because the journal could " +
            "not write", refusedUnwritable.sum());
        sink.counter("publish_durable_acks_total", "ack=durable answers sent after the sync",
            durableAcks.sum());
        sink.counter("publish_durable_timeouts_total", "ack=durable answers that could not confirm the sync (503)",
            durableTimeouts.sum());
        sink.gauge("publish_durable_waiting", "ack=durable answers waiting for a sync", pending.size());
    }

    /** Answers what waits, then drains and closes the local store. Call after the engine closed. */
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
        if (store != null)
        {
            store.close();
        }
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
