package io.ringcast.bench.load;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The load tools' socket transport: Netty's native epoll where its library loads (Linux x86-64; the benchmarks jar
 * bundles it), NIO otherwise. The same for every server a run measures.
 *
 * <p>Thread-safety: stateless; any thread.
 */
final class ClientTransport
{
    private ClientTransport()
    {
    }

    /** @return {@code true} when the tools run on epoll. */
    static boolean epoll()
    {
        return Epoll.isAvailable();
    }

    /** @return {@code "epoll"} or {@code "nio"}, for the tools' first output line. */
    static String name()
    {
        return epoll() ? "epoll" : "nio";
    }

    /**
     * @param threads event loops in the group.
     * @return a new group of event loops on this transport.
     */
    static EventLoopGroup eventLoops(final int threads)
    {
        return new MultiThreadIoEventLoopGroup(threads, epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** @return the client channel's class on this transport. */
    static Class<? extends SocketChannel> socketChannel()
    {
        return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
