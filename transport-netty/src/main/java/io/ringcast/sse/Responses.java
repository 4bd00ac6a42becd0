package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/** Builds and writes complete responses. Stateless; call on the channel's event loop. */
final class Responses
{
    static final String JSON = "application/json; charset=utf-8";

    private Responses()
    {
    }

    /**
     * Writes {@code body} with {@code status}, closing the connection afterwards when {@code keepAlive} is false.
     */
    static void write(
        final ChannelHandlerContext ctx,
        final HttpResponseStatus status,
        final String contentType,
        final ByteBuf body,
        final boolean keepAlive)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, contentType)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
            .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        write(ctx, response, keepAlive);
    }

    static void write(final ChannelHandlerContext ctx, final FullHttpResponse response, final boolean keepAlive)
    {
        if (!keepAlive)
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
        else
        {
            ctx.writeAndFlush(response);
        }
    }

    static void writeAndClose(final ChannelHandlerContext ctx, final FullHttpResponse response)
    {
        write(ctx, response, false);
    }

    static void json(
        final ChannelHandlerContext ctx, final HttpResponseStatus status, final String json, final boolean keepAlive)
    {
        write(ctx, status, JSON, Unpooled.copiedBuffer(json, StandardCharsets.UTF_8), keepAlive);
    }

    /** @return a full error response with the JSON body {@code {"error":..,"detail":..}}. */
    static FullHttpResponse error(final HttpResponseStatus status, final String error, final String detail)
    {
        final String json = "{\"error\":" + quote(error) + ",\"detail\":" + quote(detail) + "}";
        final ByteBuf body = Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, JSON)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
            .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (status.code() == 503 || status.code() == 507)
        {
            response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
        }
        return response;
    }

    static FullHttpResponse error(final HttpError e)
    {
        final FullHttpResponse response = error(e.status, e.error, e.detail());
        if (e.status.code() == 401)
        {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"ringcast\"");
        }
        return response;
    }

    /** @return {@code s} as a JSON string literal. */
    static String quote(final String s)
    {
        if (s == null)
        {
            return "null";
        }
        final StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        b.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
