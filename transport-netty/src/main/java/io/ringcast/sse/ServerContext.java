package io.ringcast.sse;

import io.ringcast.engine.Engine;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection's handlers share: the engine, settings, authenticator, counters and the shutdown state.
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
    final AtomicInteger publishesInFlight = new AtomicInteger();
    private volatile boolean shuttingDown;

    ServerContext(
        final ServerConfig config,
        final Engine engine,
        final Authenticator authenticator,
        final ServerMetrics metrics,
        final Pages pages)
    {
        this.config = config;
        this.engine = engine;
        this.authenticator = authenticator;
        this.metrics = metrics;
        this.streams = StreamSettings.of(config);
        this.parser = new PublishParser(config.maxEventBytes());
        this.pages = pages;
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
