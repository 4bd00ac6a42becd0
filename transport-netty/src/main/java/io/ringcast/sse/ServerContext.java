package io.ringcast.sse;

import io.netty.util.concurrent.FastThreadLocal;
import io.ringcast.engine.Engine;
import io.ringcast.engine.EventBatch;
import io.ringcast.engine.EventWriter;
import io.ringcast.engine.spi.Replication;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection's handlers share: the engine, settings, authenticator, counters, the replication (if any)
 * with the bounded executor that runs its blocking resumes off the event loops, and the shutdown state.
 * Thread-safe: the fields are final and immutable or concurrent; {@link #shuttingDown} is volatile.
 */
final class ServerContext
{
    final ServerConfig config;
    final Engine engine;
    final Authenticator authenticator;
    final ServerMetrics metrics;
    final StreamSettings streams;
    final PublishParser parser;
    final Pages pages;
    /** The replication, or {@code null}. */
    final Replication replication;
    /** Runs {@link Replication#resume} off the event loops; bounded, refuses when full; {@code null} without one. */
    final ExecutorService resumes;
    /** The journal ({@code --data-dir}), or {@code null} for memory only. */
    final DurableLog durableLog;
    final AtomicInteger publishesInFlight = new AtomicInteger();
    /** Each event loop's writer for this server's engine ({@link PublishHandler}; that loop only). */
    private final FastThreadLocal<EventWriter> writers = new FastThreadLocal<>()
    {
        @Override
        protected EventWriter initialValue()
        {
            return engine.writer();
        }
    };
    /** Each event loop's batch for this server's engine ({@link PublishHandler}; that loop only). */
    private final FastThreadLocal<EventBatch> batches = new FastThreadLocal<>()
    {
        @Override
        protected EventBatch initialValue()
        {
            return engine.batch();
        }
    };
    private volatile boolean shuttingDown;

    ServerContext(
        final ServerConfig config,
        final Engine engine,
        final Authenticator authenticator,
        final ServerMetrics metrics,
        final Pages pages)
    {
        this(config, engine, authenticator, metrics, pages, null, null);
    }

    ServerContext(
        final ServerConfig config,
        final Engine engine,
        final Authenticator authenticator,
        final ServerMetrics metrics,
        final Pages pages,
        final Replication replication,
        final ExecutorService resumes)
    {
        this(config, engine, authenticator, metrics, pages, replication, resumes, null);
    }

    ServerContext(
        final ServerConfig config,
        final Engine engine,
        final Authenticator authenticator,
        final ServerMetrics metrics,
        final Pages pages,
        final Replication replication,
        final ExecutorService resumes,
        final DurableLog durableLog)
    {
        this.durableLog = durableLog;
        this.config = config;
        this.engine = engine;
        this.authenticator = authenticator;
        this.metrics = metrics;
        this.streams = StreamSettings.of(config);
        this.parser = new PublishParser(config.maxEventBytes(),
            new SharedNames(engine, SharedNames.DEFAULT_MAX_NAMES, metrics.publishNamesShared,
                metrics.publishNamesUnshared));
        this.pages = pages;
        this.replication = replication;
        this.resumes = resumes;
    }

    /**
     * @return the principal the request's token grants, or {@link Principal#ANONYMOUS} when auth is off.
     * @throws HttpError 401 when auth is on and the token is missing or refused.
     */
    Principal authenticate(final io.netty.handler.codec.http.HttpRequest request, final RequestTarget target)
    {
        return authenticator == null ? Principal.ANONYMOUS :
            authenticator.verify(Authenticator.token(request.headers(), target));
    }

    /** @return the calling event loop's writer (event loop only; leave it {@link EventWriter#clear() cleared}). */
    EventWriter writer()
    {
        return writers.get();
    }

    /** @return the calling event loop's batch (event loop only; leave it {@link EventBatch#clear() cleared}). */
    EventBatch batch()
    {
        return batches.get();
    }

    boolean shuttingDown()
    {
        return shuttingDown;
    }

    void beginShutdown()
    {
        shuttingDown = true;
    }
}
