package io.ringcast.sse;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;

/**
 * The files the hub serves from its jar: the dashboard ({@code /}), the browser client ({@code /ringcast.js}) and the
 * chart library the dashboard draws with (uPlot, from its WebJar, with its licence at
 * {@code /assets/uplot/LICENSE}). A fixed set, loaded once at class initialisation; a request for any other path is
 * not routed here.
 *
 * <p>Each file carries a strong {@code ETag} (a digest of its bytes) and {@code Cache-Control: no-cache}: a browser
 * revalidates every load and gets {@code 304 Not Modified} while the server runs the same build. Immutable and
 * thread-safe.
 */
final class StaticAssets
{
    private static final String STATIC = "static/";
    private static final String UPLOT_POM = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";
    private static final Map<String, Asset> ASSETS = load();

    private StaticAssets()
    {
    }

    /** One served file. */
    private record Asset(byte[] bytes, String contentType, String etag)
    {
    }

    /** @return {@code true} when {@code path} names a served file. */
    static boolean exists(final String path)
    {
        return ASSETS.containsKey(path);
    }

    /** Answers a {@code GET} for a path that {@link #exists}. Event loop only. */
    static void write(final ChannelHandlerContext ctx, final HttpRequest request, final String path,
        final boolean keepAlive)
    {
        final Asset asset = ASSETS.get(path);
        final boolean fresh = asset.etag.equals(request.headers().get(HttpHeaderNames.IF_NONE_MATCH));
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
            fresh ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
            fresh ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(asset.bytes));
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, asset.contentType)
            .set(HttpHeaderNames.ETAG, asset.etag)
            .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
            .set("X-Content-Type-Options", "nosniff")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        Responses.write(ctx, response, keepAlive);
    }

    private static Map<String, Asset> load()
    {
        final String uplot = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/";
        final Asset index = asset(STATIC + "index.html", "text/html; charset=utf-8");
        return Map.of(
            "/", index,
            "/index.html", index,
            "/ringcast.js", asset(STATIC + "ringcast.js", "text/javascript; charset=utf-8"),
            "/assets/dashboard.js", asset(STATIC + "dashboard.js", "text/javascript; charset=utf-8"),
            "/assets/dashboard.css", asset(STATIC + "dashboard.css", "text/css; charset=utf-8"),
            "/assets/uplot/uPlot.iife.min.js", asset(uplot + "dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"),
            "/assets/uplot/uPlot.min.css", asset(uplot + "dist/uPlot.min.css", "text/css; charset=utf-8"),
            "/assets/uplot/LICENSE", asset(uplot + "LICENSE", "text/plain; charset=utf-8"));
    }

    /** @return the uPlot version on the class path, read from its WebJar's Maven metadata. */
    private static String uplotVersion()
    {
        final Properties pom = new Properties();
        try (InputStream in = StaticAssets.class.getResourceAsStream(UPLOT_POM))
        {
            if (in == null)
            {
                throw new IllegalStateException("the uPlot WebJar (org.webjars.npm:uplot) is missing from the class " +
                    "path: " + UPLOT_POM + " not found");
            }
            pom.load(in);
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        return pom.getProperty("version");
    }

    private static Asset asset(final String name, final String contentType)
    {
        try (InputStream in = StaticAssets.class.getResourceAsStream(name))
        {
            if (in == null)
            {
                throw new IllegalStateException("resource " + name + " missing from the jar");
            }
            final byte[] bytes = in.readAllBytes();
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return new Asset(bytes, contentType, '"' + HexFormat.of().formatHex(digest, 0, 12) + '"');
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
