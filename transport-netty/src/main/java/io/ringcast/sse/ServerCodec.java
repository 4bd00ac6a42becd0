package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The server's HTTP/1.1 codec: Netty's {@link HttpRequestDecoder} and {@link HttpResponseEncoder}, as in
 * {@link io.netty.handler.codec.http.HttpServerCodec} (a response to {@code HEAD} has no body), plus one rule Netty
 * leaves out: a header line folded onto the next (obsolete line folding, RFC 9112 section 5.2) marks the request as
 * failed with a {@link FoldedHeaderException}, so the router answers 400 and closes. Netty would join such lines, which
 * a proxy in front may read differently.
 *
 * <p>The fold check looks only at the bytes the decoder consumes while it reads a request head, so a body containing
 * a newline followed by a space is never mistaken for one. One instance per channel; event loop only.
 */
final class ServerCodec extends CombinedChannelDuplexHandler<ServerCodec.Decoder, ServerCodec.Encoder>
{
    /** Marks a request whose head folds a header line. */
    static final class FoldedHeaderException extends IllegalArgumentException
    {
        private static final long serialVersionUID = 1L;

        FoldedHeaderException()
        {
            super("a header line starts with a space or tab (obsolete line folding is refused)");
        }
    }

    private final ArrayDeque<HttpMethod> methods = new ArrayDeque<>();

    ServerCodec(final int maxInitialLineBytes, final int maxHeaderBytes, final int maxChunkBytes)
    {
        final HttpDecoderConfig config = new HttpDecoderConfig()
            .setMaxInitialLineLength(maxInitialLineBytes)
            .setMaxHeaderSize(maxHeaderBytes)
            .setMaxChunkSize(maxChunkBytes);
        init(new Decoder(config, methods), new Encoder(methods));
    }

    /** The request decoder, also recording each request's method for the encoder. */
    static final class Decoder extends HttpRequestDecoder
    {
        private final ArrayDeque<HttpMethod> methods;
        private boolean inHead = true;
        private boolean lineStart;
        private boolean lineEmpty = true;
        private boolean started;
        private boolean folded;

        Decoder(final HttpDecoderConfig config, final ArrayDeque<HttpMethod> methods)
        {
            super(config);
            this.methods = methods;
        }

        @Override
        protected void decode(final ChannelHandlerContext ctx, final ByteBuf buffer, final List<Object> out)
            throws Exception
        {
            final int from = buffer.readerIndex();
            final int before = out.size();
            super.decode(ctx, buffer, out);
            if (inHead)
            {
                scanHead(buffer, from, buffer.readerIndex());
            }
            for (int i = before; i < out.size(); i++)
            {
                final Object o = out.get(i);
                if (o instanceof HttpRequest r)
                {
                    methods.add(r.method());
                    if (folded && r.decoderResult().isSuccess())
                    {
                        r.setDecoderResult(DecoderResult.failure(new FoldedHeaderException()));
                    }
                    inHead = false;
                }
                if (o instanceof LastHttpContent)
                {
                    inHead = true;
                    started = false;
                    folded = false;
                    lineStart = false;
                    lineEmpty = true;
                }
            }
        }

        private void scanHead(final ByteBuf buffer, final int from, final int to)
        {
            for (int i = from; i < to && inHead; i++)
            {
                final byte b = buffer.getByte(i);
                if (b == '\n')
                {
                    if (started && lineEmpty && lineStart)
                    {
                        return; // end of the head; the message will be in out
                    }
                    lineStart = true;
                    lineEmpty = true;
                }
                else if (b != '\r')
                {
                    if ((b == ' ' || b == '\t') && lineStart && started)
                    {
                        folded = true;
                    }
                    if (b != ' ' && b != '\t')
                    {
                        started = true;
                    }
                    lineStart = false;
                    lineEmpty = false;
                }
            }
        }
    }

    /** The response encoder: no body after a {@code HEAD} request. */
    static final class Encoder extends HttpResponseEncoder
    {
        private final ArrayDeque<HttpMethod> methods;

        Encoder(final ArrayDeque<HttpMethod> methods)
        {
            this.methods = methods;
        }

        @Override
        protected boolean isContentAlwaysEmpty(final HttpResponse msg)
        {
            if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL)
            {
                return super.isContentAlwaysEmpty(msg);
            }
            final HttpMethod method = methods.poll();
            return HttpMethod.HEAD.equals(method) || super.isContentAlwaysEmpty(msg);
        }
    }
}
