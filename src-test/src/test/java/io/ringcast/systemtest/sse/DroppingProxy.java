package io.ringcast.systemtest.sse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a server that can cut every open connection at once, as a crashed load balancer or a
 * server-side reset would, and that records the request heads it relayed (to see what a browser sent on reconnect).
 * A thread pair per connection: meant for a handful of browser connections. Thread-safe.
 */
final class DroppingProxy implements AutoCloseable
{
    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    DroppingProxy(final int targetPort)
    {
        this.targetPort = targetPort;
        try
        {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        acceptor = new Thread(this::acceptLoop, "dropping-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port()
    {
        return listener.getLocalPort();
    }

    List<String> requestHeads()
    {
        return List.copyOf(requestHeads);
    }

    /** Closes every relayed connection on both sides; new connections are still accepted. */
    int dropAll()
    {
        int n = 0;
        for (final Socket s : open)
        {
            closeQuietly(s);
            open.remove(s);
            n++;
        }
        return n;
    }

    private void acceptLoop()
    {
        while (!listener.isClosed())
        {
            try
            {
                final Socket client = listener.accept();
                final Socket upstream = new Socket();
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5_000);
                open.add(client);
                open.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            }
            catch (final IOException ex)
            {
                if (!listener.isClosed())
                {
                    System.err.println("proxy accept failed: " + ex);
                }
            }
        }
    }

    /** A keep-alive connection carries one request after another: each read that starts with a method begins one. */
    private static boolean startsARequest(final byte[] buffer, final int n)
    {
        final String start = new String(buffer, 0, Math.min(n, 8), StandardCharsets.ISO_8859_1);
        return start.startsWith("GET /") || start.startsWith("POST /") || start.startsWith("HEAD /");
    }

    private void pump(final Socket from, final Socket to, final boolean request)
    {
        final Thread t = new Thread(() ->
        {
            final byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream())
            {
                int n;
                boolean first = request;
                while ((n = in.read(buffer)) >= 0)
                {
                    if (first || request && startsARequest(buffer, n))
                    {
                        requestHeads.add(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                        first = false;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            }
            catch (final IOException ignored)
            {
                // the connection was dropped
            }
            finally
            {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "dropping-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(final Socket s)
    {
        try
        {
            s.close();
        }
        catch (final IOException ignored)
        {
            // already closed
        }
    }

    @Override
    public void close()
    {
        try
        {
            listener.close();
        }
        catch (final IOException ignored)
        {
            // closing anyway
        }
        dropAll();
    }
}
