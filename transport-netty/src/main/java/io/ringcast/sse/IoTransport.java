package io.ringcast.sse;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.function.Supplier;

/**
 * The socket transport the server runs on: Netty's native epoll where its library loads (Linux x86-64 with the
 * {@code netty-transport-native-epoll} jar on the class path, as the server bundles it), NIO otherwise or when
 * {@link ServerConfig#nativeTransport(boolean)} is {@code false}.
 *
 * <p>Thread-safety: immutable; every method may be called from any thread.
 */
enum IoTransport
{
    EPOLL("epoll", EpollIoHandler::newFactory, EpollServerSocketChannel.class),
    NIO("nio", NioIoHandler::newFactory, NioServerSocketChannel.class);

    private final String label;
    private final Supplier<IoHandlerFactory> handlers;
    private final Class<? extends ServerSocketChannel> serverChannel;

    IoTransport(
        final String label,
        final Supplier<IoHandlerFactory> handlers,
        final Class<? extends ServerSocketChannel> serverChannel)
    {
        this.label = label;
        this.handlers = handlers;
        this.serverChannel = serverChannel;
    }

    /**
     * @param nativeRequested {@link ServerConfig#nativeTransport()}.
     * @return epoll when requested and its native library is loaded, NIO otherwise.
     */
    static IoTransport choose(final boolean nativeRequested)
    {
        return nativeRequested && Epoll.isAvailable() ? EPOLL : NIO;
    }

    /**
     * @param threads event loops in the group.
     * @param name    the threads' name prefix.
     * @return a new group of event loops on this transport.
     */
    EventLoopGroup eventLoops(final int threads, final String name)
    {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name), handlers.get());
    }

    /** @return the listening channel's class on this transport. */
    Class<? extends ServerSocketChannel> serverChannel()
    {
        return serverChannel;
    }

    /**
     * @param nativeRequested {@link ServerConfig#nativeTransport()}.
     * @return the transport's name and, for NIO, why it is not epoll: for the startup log line.
     */
    String describe(final boolean nativeRequested)
    {
        if (this == EPOLL)
        {
            return label;
        }
        if (!nativeRequested)
        {
            return label + " (native transport off)";
        }
        final Throwable cause = Epoll.unavailabilityCause();
        return label + " (epoll unavailable: " + (cause == null ? "unknown cause" : String.valueOf(cause.getMessage())) + ")";
    }
}
