package io.ringcast.sse;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandler;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A stream connection's socket, written straight from the event loop's staging memory when that is exactly what the
 * pipeline would do: the channel is Netty's epoll socket, no handler between the writer and the pipeline's head
 * changes outbound bytes (no TLS, no HTTP/2), and nothing is waiting in Netty's outbound buffer, so the bytes keep
 * their order. A drained batch then costs one {@code write} call and no pooled buffer, outbound-buffer entry or promise
 * (each of which is a long-lived object whose reference stores the young collection has to scan at 10,000 streams).
 * What the socket does not take is queued through the pipeline as before, which waits for the socket to become
 * writable and applies the channel's high water mark.
 *
 * <p>Thread-safety: the channel's event loop only. The descriptor is the channel's own while the channel is open, and
 * Netty closes it on the same loop, so {@link #idle()} followed by {@link #write} on the loop never writes to a
 * descriptor reused by another connection.
 */
final class DirectSocket
{
    private final Channel channel;
    private final FileDescriptor fd;

    private DirectSocket(final Channel channel, final FileDescriptor fd)
    {
        this.channel = channel;
        this.fd = fd;
    }

    /**
     * @param writer the context batches are written from (they pass every handler between it and the head).
     * @return the direct path for the writer's connection, or {@code null} when the channel is not an epoll socket
     *         or a handler in front of the writer handles outbound messages (TLS, for one).
     */
    static DirectSocket of(final ChannelHandlerContext writer)
    {
        if (!(writer.channel() instanceof AbstractEpollStreamChannel epoll))
        {
            return null;
        }
        for (final Map.Entry<String, ChannelHandler> handler : writer.pipeline())
        {
            if (handler.getKey().equals(writer.name()))
            {
                return new DirectSocket(epoll, epoll.fd());
            }
            if (handler.getValue() instanceof ChannelOutboundHandler)
            {
                return null;
            }
        }
        return null;
    }

    /** @return {@code true} when the channel is open and Netty holds no byte and no message for it. */
    boolean idle()
    {
        final ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
        return out != null && out.isEmpty() && out.totalPendingWriteBytes() == 0 && channel.isActive();
    }

    /**
     * Writes {@code memory}'s bytes from {@code from} to {@code to} (a direct buffer; its position and limit are not
     * used). Call right after {@link #idle()} returned {@code true}.
     *
     * @return the bytes the socket took: {@code to - from}, fewer when its send buffer filled, 0 when it was full.
     * @throws IOException when the connection is broken (the peer reset or closed it).
     */
    int write(final ByteBuffer memory, final int from, final int to) throws IOException
    {
        return fd.write(memory, from, to);
    }
}
