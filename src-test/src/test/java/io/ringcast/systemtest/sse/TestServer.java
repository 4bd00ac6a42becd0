package io.ringcast.systemtest.sse;

import io.ringcast.engine.Engine;
import io.ringcast.sse.RingcastServer;
import io.ringcast.sse.ServerConfig;

import java.util.function.UnaryOperator;

/** An in-process {@link RingcastServer} on 127.0.0.1 and an ephemeral port, with an {@link Api} to reach it. */
final class TestServer implements AutoCloseable
{
    private final RingcastServer server;
    private final Api api;

    private TestServer(final RingcastServer server)
    {
        this.server = server;
        this.api = new Api(server.port());
    }

    static TestServer start()
    {
        return start(c -> c);
    }

    static TestServer start(final UnaryOperator<ServerConfig> settings)
    {
        final ServerConfig config = settings.apply(new ServerConfig().bindAddress("127.0.0.1").port(0).ioThreads(2));
        try
        {
            return new TestServer(RingcastServer.start(config));
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("the server did not start", ex);
        }
    }

    int port()
    {
        return server.port();
    }

    Api api()
    {
        return api;
    }

    Engine engine()
    {
        return server.engine();
    }

    RingcastServer server()
    {
        return server;
    }

    /** Stops the server (graceful shutdown) and then the test client. */
    @Override
    public void close()
    {
        try
        {
            server.close();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("the server did not close", ex);
        }
        finally
        {
            api.close();
        }
    }
}
