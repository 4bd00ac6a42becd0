package io.ringcast.systemtest.sse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * HTTP over a plain socket, for what a well-behaved client cannot send: oversized headers, partial requests
 * (slowloris), a reader that stops reading. Not thread-safe; one test thread uses an instance.
 */
final class RawHttp implements AutoCloseable
{
    private final Socket socket;

    /** How reading to the end went. */
    record Read(String text, boolean endOfStream, boolean reset, boolean timedOut)
    {
        int status()
        {
            if (!text.startsWith("HTTP/1.1 "))
            {
                throw new AssertionError("no HTTP status line in: " + abbreviated());
            }
            return Integer.parseInt(text.substring(9, 12));
        }

        String body()
        {
            final int at = text.indexOf("\r\n\r\n");
            return at < 0 ? "" : text.substring(at + 4);
        }

        String header(final String name)
        {
            for (final String line : text.split("\r\n"))
            {
                if (line.isEmpty())
                {
                    break;
                }
                final int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name))
                {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        String abbreviated()
        {
            return text.length() > 400 ? text.substring(0, 400) + "..." : text;
        }
    }

    RawHttp(final int port, final int receiveBufferBytes)
    {
        try
        {
            socket = new Socket();
            if (receiveBufferBytes > 0)
            {
                socket.setReceiveBufferSize(receiveBufferBytes);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    RawHttp(final int port)
    {
        this(port, 0);
    }

    RawHttp send(final String text)
    {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(final byte[] bytes)
    {
        try
        {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return this;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Reads until the response (headers and a Content-Length body) is complete, the peer closes, or the timeout. */
    Read readResponse(final Duration timeout)
    {
        return read(timeout, true);
    }

    /** Reads until the peer closes the connection or the timeout passes. */
    Read readToEnd(final Duration timeout)
    {
        return read(timeout, false);
    }

    /** Reads just the response headers of a streaming response. */
    String readHeaders(final Duration timeout)
    {
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        try
        {
            socket.setSoTimeout((int)timeout.toMillis());
            final InputStream in = socket.getInputStream();
            while (!seen.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n"))
            {
                final int b = in.read();
                if (b < 0)
                {
                    break;
                }
                seen.write(b);
            }
        }
        catch (final IOException ex)
        {
            throw new AssertionError("reading response headers", ex);
        }
        return seen.toString(StandardCharsets.ISO_8859_1);
    }

    private Read read(final Duration timeout, final boolean stopWhenComplete)
    {
        final ByteArrayOutputStream seen = new ByteArrayOutputStream();
        final long deadline = System.nanoTime() + timeout.toNanos();
        final byte[] buffer = new byte[8192];
        try
        {
            final InputStream in = socket.getInputStream();
            while (true)
            {
                final long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0)
                {
                    return new Read(seen.toString(StandardCharsets.ISO_8859_1), false, false, true);
                }
                socket.setSoTimeout((int)Math.max(1, Math.min(leftMs, 200)));
                try
                {
                    final int n = in.read(buffer);
                    if (n < 0)
                    {
                        return new Read(seen.toString(StandardCharsets.ISO_8859_1), true, false, false);
                    }
                    seen.write(buffer, 0, n);
                    if (stopWhenComplete && complete(seen.toString(StandardCharsets.ISO_8859_1)))
                    {
                        return new Read(seen.toString(StandardCharsets.ISO_8859_1), false, false, false);
                    }
                }
                catch (final SocketTimeoutException ignored)
                {
                    // poll the deadline again
                }
            }
        }
        catch (final SocketException ex)
        {
            return new Read(seen.toString(StandardCharsets.ISO_8859_1), true, true, false);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static boolean complete(final String text)
    {
        final int end = text.indexOf("\r\n\r\n");
        if (end < 0)
        {
            return false;
        }
        final Read r = new Read(text, false, false, false);
        final String length = r.header("Content-Length");
        return length != null && text.length() - end - 4 >= Integer.parseInt(length);
    }

    @Override
    public void close()
    {
        try
        {
            socket.close();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
    }
}
