package io.ringcast.bench.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PostgreSQL 15 cluster for the relay benchmark, started as root through
 * {@code runuser -u postgres --}: initdb in a temp directory, pg_ctl start on a free port of 127.0.0.1, removed on
 * {@link #close()}. Durability settings are the server defaults ({@code fsync=on}, {@code synchronous_commit=on})
 * unless {@code durable} is false. Not thread-safe.
 */
final class BenchPostgres implements AutoCloseable
{
    private static final String BIN = "/usr/lib/postgresql/15/bin/";

    private final Path dir;
    private final int port;
    private boolean closed;

    BenchPostgres(final boolean durable) throws IOException
    {
        dir = Files.createTempDirectory("ringcast-bench-pg-");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = s.getLocalPort();
        }
        run("chown", "-R", "postgres:postgres", dir.toString());
        asPostgres(BIN + "initdb", "-D", dir.resolve("data").toString(), "-U", "postgres", "-A", "trust", "-E",
            "UTF8", "--locale=C", "--no-sync");
        final String options = "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c shared_buffers=256MB" +
            " -c max_wal_size=2GB" + (durable ? "" : " -c fsync=off -c synchronous_commit=off");
        asPostgres(BIN + "pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("log").toString(), "-w",
            "-o", options, "start");
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "bench-pg-cleanup"));
    }

    String url()
    {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            asPostgres(BIN + "pg_ctl", "-D", dir.resolve("data").toString(), "-w", "-m", "immediate", "stop");
        }
        finally
        {
            run("rm", "-rf", dir.toString());
        }
    }

    private static void asPostgres(final String... command)
    {
        final List<String> c = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        c.addAll(List.of(command));
        run(c.toArray(new String[0]));
    }

    private static void run(final String... command)
    {
        try
        {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            final byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0)
            {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" +
                    new String(out, StandardCharsets.UTF_8));
            }
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot run " + command[0] + " (needs root and PostgreSQL 15 in " + BIN +
                "; or pass --pg-url): " + e.getMessage(), e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
