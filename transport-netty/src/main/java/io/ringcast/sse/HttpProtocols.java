package io.ringcast.sse;

import io.netty.channel.ChannelPipeline;

/**
 * Installs the handlers of one HTTP version at the end of a connection's pipeline, once the version is known (by ALPN
 * over TLS, by the connection preface in clear text). Implementations are called on the connection's event loop.
 */
interface HttpProtocols
{
    /** HTTP/1.x: the HTTP/1 codec, then the request handlers. */
    void http1(ChannelPipeline pipeline);

    /** HTTP/2: the frame codec and one child channel per stream, each with the request handlers. */
    void http2(ChannelPipeline pipeline);
}
