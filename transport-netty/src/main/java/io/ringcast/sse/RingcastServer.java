package io.ringcast.sse;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.ErrorHandler;
import io.ringcast.engine.spi.DurableStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A running SSE hub: an engine, its optional replication, and a Netty server in front.
 *
 * <pre>{@code
 * try (RingcastServer server = RingcastServer.start(new ServerConfig().port(0)))
 * {
 *     URI events = URI.create("http://127.0.0.1:" + server.port() + "/events?topic=orders");
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safety: every method may be called from any thread; {@link #close()} is idempotent and blocks until the
 * server has stopped (at most about {@code shutdownTimeoutMs} plus the engine's own shutdown).
 */
public final class RingcastServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(RingcastServer.class);
    private static final int WRITE_BUFFER_LOW = 32 * 1024;
    private static final int WRITE_BUFFER_HIGH = 64 * 1024;
    /** Threads that run replication resumes (each blocks on storage for one request at a time). */
    static final int RESUME_THREADS = 2;
    /** Resumes waiting for a thread; beyond this a resume is refused with 503 and Retry-After. */
    static final int RESUME_QUEUE = 64;

    private final ServerConfig config;
    private final Engine engine;
    private final Replications.Found replication;
    private final DurableLog durableLog;
    private final ServerContext context;
    private final ExecutorService resumes;
    private final ConnectionLimiter limiter;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ChannelGroup channels;
    private final Channel serverChannel;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final TlsContext tls;
    private final IoTransport transport;

    private RingcastServer(final ServerConfig config)
    {
        this.config = config;
        final Authenticator authenticator = Authenticator.of(config);
        this.replication = Replications.create(config.settings(), config.nodeId());
        this.transport = IoTransport.choose(config.nativeTransport());
        this.workerGroup = transport.eventLoops(config.effectiveIoThreads(), "ringcast-io");
        final LoopDispatchDriver driver = config.dispatchOnEventLoop() ?
            new LoopDispatchDriver(workerGroup.next()) : null;
        DurableStore journal = null;
        try
        {
            journal = DurableLog.openStore(config);
            this.engine = startEngine(config, replication, journal, driver);
        }
        catch (final RuntimeException e)
        {
            if (journal != null)
            {
                journal.close();
            }
            workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        this.durableLog = DurableLog.create(journal,
            replication == null ? null : replication.replication().durability());
        final ServerMetrics metrics = new ServerMetrics();
        this.resumes = replication == null ? null : resumeExecutor();
        this.context = new ServerContext(config, engine, authenticator, metrics, new Pages(engine, metrics,
            replication == null ? null : replication.replication(), replication == null ? null : replication.name()),
            replication == null ? null : replication.replication(), resumes, durableLog);
        context.pages.durableLog(durableLog);
        this.limiter = new ConnectionLimiter(config.maxConnections(), metrics, config.retryMs());
        this.channels = new DefaultChannelGroup("ringcast", GlobalEventExecutor.INSTANCE);
        this.bossGroup = transport.eventLoops(1, "ringcast-accept");
        this.tls = tlsContext(config);
        this.serverChannel = bind();
        LOG.info("ringcast listening on {}://{}:{}/ (demo page there; transport {}, {} event loop(s), dispatcher " +
            "on {}, node '{}', auth {}, replication {})", tls == null ? "http" : "https", config.bindAddress(), port(),
            transport.describe(config.nativeTransport()),
            config.effectiveIoThreads(), driver != null ? "the event loop" : "its own thread", config.nodeId(),
            authenticator == null ? "OFF" : "JWT", replication == null ? "none" : replication.name());
        if (authenticator == null)
        {
            LOG.warn("authentication is OFF: no --jwt-secret or --jwt-key-file given; anyone who can reach {} " +
                "may publish and subscribe (allowed only on a loopback address)", config.bindAddress());
        }
    }

    private static Engine startEngine(
        final ServerConfig config,
        final Replications.Found replication,
        final DurableStore journal,
        final LoopDispatchDriver driver)
    {
        final EngineConfig engineConfig = new EngineConfig()
            .ringSize(config.ringSize())
            .historyMaxEvents(config.historySize())
            .defaultQueueCapacity(config.queueCapacity())
            .nodeId(config.nodeId())
            .waitStrategy(config.waitStrategy())
            .dispatchDriver(driver)
            .errorHandler(new LoggingErrorHandler());
        if (journal != null)
        {
            journal.configure(engineConfig);
        }
        if (replication == null)
        {
            return started(engineConfig, driver);
        }
        Engine engine = null;
        try
        {
            if (journal != null)
            {
                replication.replication().useJournal(journal);
            }
            replication.replication().configure(engineConfig);
            engine = started(engineConfig, driver);
            replication.replication().start(engine.replicaPublisher());
            return engine;
        }
        catch (final RuntimeException e)
        {
            replication.replication().close();
            if (engine != null)
            {
                engine.close();
            }
            throw e;
        }
    }

    private static Engine started(final EngineConfig engineConfig, final LoopDispatchDriver driver)
    {
        final Engine engine = Engine.start(engineConfig);
        if (driver != null)
        {
            driver.start(engine, engineConfig.housekeepingIntervalMs());
        }
        return engine;
    }

    /** The TLS context (reloaded when its files change, checked on the accept loop), or {@code null}. */
    private TlsContext tlsContext(final ServerConfig config)
    {
        final TlsContext context;
        try
        {
            context = TlsContext.of(config);
        }
        catch (final IllegalArgumentException e)
        {
            stopEngine();
            shutdownLoops();
            throw e;
        }
        if (context != null)
        {
            bossGroup.scheduleWithFixedDelay(context::reloadIfChanged, TlsContext.RELOAD_CHECK_SECONDS,
                TlsContext.RELOAD_CHECK_SECONDS, TimeUnit.SECONDS);
        }
        return context;
    }

    private static ExecutorService resumeExecutor()
    {
        final ThreadPoolExecutor executor = new ThreadPoolExecutor(RESUME_THREADS, RESUME_THREADS, 30,
            TimeUnit.SECONDS, new ArrayBlockingQueue<>(RESUME_QUEUE), new DefaultThreadFactory("ringcast-resume", true),
            new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    private Channel bind()
    {
        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(bossGroup, workerGroup)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(WRITE_BUFFER_LOW, WRITE_BUFFER_HIGH))
            .childHandler(new ServerInitializer(context, limiter, channels, tls));
        final ChannelFuture bind = bootstrap.bind(config.bindAddress(), config.port()).awaitUninterruptibly();
        if (!bind.isSuccess())
        {
            stopEngine();
            shutdownLoops();
            throw new IllegalStateException("cannot listen on " + config.bindAddress() + ":" + config.port() + ": " +
                bind.cause().getMessage(), bind.cause());
        }
        return bind.channel();
    }

    /**
     * Validates the configuration, starts the engine (and replication, when configured) and binds the port.
     *
     * @param config the settings.
     * @return the running server.
     * @throws IllegalArgumentException naming an invalid setting (including a non-loopback bind without a JWT key).
     * @throws IllegalStateException    when the port cannot be bound.
     */
    public static RingcastServer start(final ServerConfig config)
    {
        config.validate();
        return new RingcastServer(config);
    }

    /** @return the bound port (the chosen one when the configured port was 0). */
    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    /** @return the engine behind the server, for in-process publishing and tests. */
    public Engine engine()
    {
        return engine;
    }

    /** @return what the connections share, with the server's own counters; for tests in this package. */
    ServerContext context()
    {
        return context;
    }

    /** @return the socket transport the server runs on; for tests in this package. */
    IoTransport transport()
    {
        return transport;
    }

    /** @return the settings the server runs with. */
    public ServerConfig config()
    {
        return config;
    }

    /** @return {@code true} once {@link #close()} has begun. */
    public boolean isClosing()
    {
        return context.shuttingDown();
    }

    /** @return publish requests whose body is being received or processed; for tests. */
    int publishesInFlight()
    {
        return context.publishesInFlight.get();
    }

    /** @return open SSE streams. */
    public long openStreams()
    {
        return context.metrics.openStreams.sum();
    }

    /**
     * Graceful shutdown: stop accepting connections, let in-flight publishes finish, close the replication and the
     * engine (which flushes what was published and ends every stream with its terminating chunk), wait for streams to
     * close, then stop the event loops. Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        LOG.info("shutting down (open streams: {}, open connections: {})", openStreams(), limiter.open());
        context.beginShutdown();
        serverChannel.close().awaitUninterruptibly();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownTimeoutMs());
        awaitZero(context.publishesInFlight::get, deadline);
        stopEngine();
        awaitZero(() -> context.metrics.openStreams.sum(), deadline);
        channels.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        shutdownLoops();
        LOG.info("stopped");
    }

    private void stopEngine()
    {
        if (resumes != null)
        {
            resumes.shutdownNow();
        }
        if (replication != null)
        {
            try
            {
                replication.replication().close();
            }
            catch (final RuntimeException e)
            {
                LOG.warn("replication '{}' failed to close", replication.name(), e);
            }
        }
        engine.close();
        if (durableLog != null)
        {
            durableLog.close();
        }
    }

    private void shutdownLoops()
    {
        bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    private static void awaitZero(final java.util.function.LongSupplier value, final long deadline)
    {
        while (value.getAsLong() > 0 && System.nanoTime() - deadline < 0)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Logs engine failures at most once a second; the engine counts every one in {@code engine_errors_total}. */
    private static final class LoggingErrorHandler implements ErrorHandler
    {
        private final AtomicLong lastLogMs = new AtomicLong();

        @Override
        public void onError(final String where, final Throwable error)
        {
            final long now = System.currentTimeMillis();
            final long last = lastLogMs.get();
            if (now - last >= 1000 && lastLogMs.compareAndSet(last, now))
            {
                LOG.warn("engine {} failed (further failures within 1 s are only counted)", where, error);
            }
        }
    }
}
