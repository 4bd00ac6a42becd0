package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * What is left of the HTTP codec once an HTTP/1 connection carries an SSE stream: the body's framing only. The
 * response head has been written by the full codec, which leaves its encoder in the middle of a chunked body; this
 * handler then replaces the codec ({@link #install}) and writes each {@link HttpContent} as one chunk
 * ({@code <hex size>\r\n<bytes>\r\n}) and {@link LastHttpContent} as the terminating chunk ({@code 0\r\n\r\n}), or,
 * for an HTTP/1.0 stream (no chunked encoding, the body ends with the connection), the bytes as they are. A
 * {@link ByteBuf} passes unchanged (already framed by the writer).
 *
 * <p>Why: a stream's connection reads no further request, so the request decoder (its state machines and scratch
 * buffers) and the request-side handlers ({@link ServerInitializer#configure}) are dead weight on every open stream;
 * {@link #install} removes them, which is most of what an idle stream costs besides the socket.
 *
 * <p>Stateless: the two instances ({@link #CHUNKED}, {@link #HTTP_1_0}) are shared by every channel.
 */
@ChannelHandler.Sharable
final class StreamBodyEncoder extends ChannelOutboundHandlerAdapter
{
    /** The codec's name in the pipeline, kept so that writers in front of it find it ({@link #install}). */
    static final String NAME = "http";

    /** The handlers of an HTTP/1 connection that only serve requests: none of them sees a stream's traffic. */
    private static final String[] REQUEST_SIDE = {
        "bytes", "timeouts", "cors", "router", "publish-admission", "publish-aggregator", "publish", "pages", "commit"
    };

    /** The longest chunk size line: eight hex digits and CRLF. */
    static final int MAX_CHUNK_HEADER_BYTES = 10;

    private static final StreamBodyEncoder CHUNKED = new StreamBodyEncoder(true);
    private static final StreamBodyEncoder HTTP_1_0 = new StreamBodyEncoder(false);

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int CRLF = ('\r' << 8) | '\n';
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    private final boolean chunked;

    private StreamBodyEncoder(final boolean chunked)
    {
        this.chunked = chunked;
    }

    /**
     * Strips an HTTP/1 connection that now carries a stream down to its write path: removes the request-side
     * handlers and replaces the HTTP codec with this encoder, under the codec's name. Call on the event loop once
     * the response head has been written (the codec wrote it; CORS headers were added on the way).
     *
     * @param pipeline the connection's pipeline.
     * @param http10   the stream is an HTTP/1.0 response (no chunked encoding).
     * @return the encoder's context (a writer in front of it skips it: {@link #chunk}), or {@code null} when the
     *         pipeline has no HTTP/1 codec (an HTTP/2 stream's child channel, a bare test pipeline): left as it is.
     */
    static ChannelHandlerContext install(final ChannelPipeline pipeline, final boolean http10)
    {
        if (!(pipeline.get(NAME) instanceof ServerCodec))
        {
            return pipeline.context(NAME);
        }
        for (final String name : REQUEST_SIDE)
        {
            if (pipeline.context(name) != null)
            {
                pipeline.remove(name);
            }
        }
        pipeline.replace(NAME, NAME, http10 ? HTTP_1_0 : CHUNKED);
        pipeline.channel().attr(Route.CURRENT).set(null);
        return pipeline.context(NAME);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
    {
        if (msg instanceof ByteBuf)
        {
            ctx.write(msg, promise);
            return;
        }
        if (!(msg instanceof HttpContent content))
        {
            ReferenceCountUtil.release(msg);
            promise.setFailure(new IllegalStateException(
                "an SSE stream's connection writes body content only, not " + msg.getClass().getSimpleName()));
            return;
        }
        final ByteBuf bytes = content.content();
        final boolean last = msg instanceof LastHttpContent;
        if (!chunked)
        {
            ctx.write(bytes, promise);
            return;
        }
        final int size = bytes.readableBytes();
        if (size == 0)
        {
            bytes.release();
            ctx.write(last ? Unpooled.wrappedBuffer(LAST_CHUNK) : Unpooled.EMPTY_BUFFER, promise);
            return;
        }
        final ByteBuf out = ctx.alloc().directBuffer(chunkBytes(size) + (last ? LAST_CHUNK.length : 0));
        writeChunkHeader(out, size);
        out.writeBytes(bytes);
        out.writeShort(CRLF);
        if (last)
        {
            out.writeBytes(LAST_CHUNK);
        }
        bytes.release();
        ctx.write(out, promise);
    }

    /** @return the size of one chunk holding {@code size} bytes: its hex size line, the bytes and their CRLF. */
    static int chunkBytes(final int size)
    {
        return hexDigits(size) + 2 + size + 2;
    }

    /** Writes a chunk's size line ({@code <hex size>\r\n}); the caller writes the bytes and {@code \r\n} after it. */
    static void writeChunkHeader(final ByteBuf out, final int size)
    {
        for (int shift = (hexDigits(size) - 1) * 4; shift >= 0; shift -= 4)
        {
            out.writeByte(HEX[(size >>> shift) & 0xF]);
        }
        out.writeShort(CRLF);
    }

    /**
     * Puts a chunk's size line ({@code <hex size>\r\n}) at the start of {@code out}.
     *
     * @param out at least {@link #MAX_CHUNK_HEADER_BYTES} long.
     * @return its length.
     */
    static int putChunkHeader(final byte[] out, final int size)
    {
        int at = 0;
        for (int shift = (hexDigits(size) - 1) * 4; shift >= 0; shift -= 4)
        {
            out[at++] = HEX[(size >>> shift) & 0xF];
        }
        out[at++] = '\r';
        out[at++] = '\n';
        return at;
    }

    private static int hexDigits(final int size)
    {
        return Math.max(1, (Integer.SIZE - Integer.numberOfLeadingZeros(size) + 3) / 4);
    }
}
