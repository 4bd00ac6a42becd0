package io.ringcast.sse;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The HTTP/2 handlers of one connection, with Netty's codecs: {@link Http2FrameCodec} (settings: at most
 * {@value #MAX_CONCURRENT_STREAMS} concurrent streams, header lists up to {@code maxHeaderBytes}), an idle check that
 * closes the connection (GOAWAY) after {@code idleTimeoutMs} without a frame while no stream is open, and
 * {@link Http2MultiplexHandler}, which gives each stream a child channel. Each child channel gets
 * {@link Http2StreamFrameToHttpObjectCodec}, so the HTTP/1 request handlers serve it unchanged: an SSE stream is one
 * HTTP/2 stream (HEADERS, then one DATA frame per flushed batch), {@code /publish} is a request stream.
 * Stateless; {@link #install} runs on the connection's event loop.
 */
final class Http2Pipeline
{
    /** Streams one connection may hold open at once (SETTINGS_MAX_CONCURRENT_STREAMS); a browser's tabs share it. */
    static final int MAX_CONCURRENT_STREAMS = 256;

    private Http2Pipeline()
    {
    }

    /**
     * @param pipeline        the connection's pipeline.
     * @param config          the server's limits.
     * @param metrics         counters.
     * @param requestHandlers installs the request handlers into a stream's child pipeline.
     */
    static void install(final ChannelPipeline pipeline, final ServerConfig config, final ServerMetrics metrics,
        final Consumer<ChannelPipeline> requestHandlers)
    {
        metrics.http2Connections.increment();
        final Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
            .initialSettings(Http2Settings.defaultSettings()
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                .maxHeaderListSize(config.maxHeaderBytes()))
            .validateHeaders(true)
            .build();
        pipeline.addLast("h2", codec);
        pipeline.addLast("h2-idle", new IdleClose(codec, config.idleTimeoutMs(), metrics));
        pipeline.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Channel>()
        {
            @Override
            protected void initChannel(final Channel stream)
            {
                stream.pipeline().addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(true, true));
                stream.pipeline().addLast("h2-split", new SplitFullRequests());
                requestHandlers.accept(stream.pipeline());
            }
        }));
    }

    /**
     * Hands a request that came in one HEADERS frame with END_STREAM (a {@link FullHttpRequest}) on as the HTTP/1
     * codec does: its head, then its (empty or complete) last content; the request handlers rely on that sequence.
     */
    static final class SplitFullRequests extends ChannelInboundHandlerAdapter
    {
        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            if (msg instanceof FullHttpRequest full)
            {
                ctx.fireChannelRead(new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(),
                    full.headers()));
                ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** Closes an HTTP/2 connection that has had no traffic for the idle timeout and holds no open stream. */
    private static final class IdleClose extends IdleStateHandler
    {
        private final Http2FrameCodec codec;
        private final ServerMetrics metrics;

        IdleClose(final Http2FrameCodec codec, final long idleTimeoutMs, final ServerMetrics metrics)
        {
            super(0, 0, idleTimeoutMs, TimeUnit.MILLISECONDS);
            this.codec = codec;
            this.metrics = metrics;
        }

        @Override
        protected void channelIdle(final ChannelHandlerContext ctx, final IdleStateEvent event)
        {
            if (event.state() == IdleState.ALL_IDLE && codec.connection().numActiveStreams() == 0)
            {
                metrics.idleTimeouts.increment();
                ctx.close();
            }
        }
    }
}
