package io.ringcast.test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL 15 server of the relay's tests ({@link #shared()}) and of the relay benchmark ({@link #launch}).
 *
 * <p>When {@code -Dringcast.test.pg.url=jdbc:postgresql://...} (or env {@code RINGCAST_TEST_PG_URL}) names a server
 * that answers, {@link #shared()} uses it (and cannot restart it). Otherwise a throw-away cluster is made: as root, a
 * temp data directory owned by {@code postgres}, {@code initdb} (trust auth) and {@code pg_ctl start} through
 * {@code runuser -u postgres --} on a free port of 127.0.0.1, all removed on {@link #close()} or at JVM exit. The
 * PostgreSQL 15 binaries are installed with {@code apt-get install postgresql-15} when missing. It never skips:
 * anything it cannot do throws {@link IllegalStateException} saying what is missing and what to install or set.
 *
 * <p>Thread-safe: methods synchronized.
 */
public final class PostgresServer implements AutoCloseable
{
    /** Server options for tests: nothing is synced, so a test's commits cost no disk flush. */
    public static final String FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off " +
        "-c shared_buffers=64MB -c max_connections=200 -c max_wal_size=1GB";
    /** Server options for measurements with PostgreSQL's own durability defaults. */
    public static final String DURABLE = "-c shared_buffers=256MB -c max_wal_size=2GB";

    private static final String BIN = "/usr/lib/postgresql/15/bin/";
    private static final long COMMAND_TIMEOUT_S = 120;
    private static PostgresServer shared;

    private final Path dataDir;
    private final int port;
    private final String externalUrl;
    private final String options;
    private boolean running;

    private PostgresServer(final Path dataDir, final int port, final String externalUrl, final String options)
    {
        this.dataDir = dataDir;
        this.port = port;
        this.externalUrl = externalUrl;
        this.options = options;
    }

    /** @return the shared server, started on first use. */
    public static synchronized PostgresServer shared()
    {
        if (shared == null)
        {
            shared = create();
        }
        return shared;
    }

    private static PostgresServer create()
    {
        String url = System.getProperty("ringcast.test.pg.url", System.getenv("RINGCAST_TEST_PG_URL"));
        if (url != null && !url.isBlank() && answers(url))
        {
            return new PostgresServer(null, -1, url, null);
        }
        return launch(FAST);
    }

    /**
     * Makes and starts a throw-away cluster of its own; {@link #close()} stops and removes it.
     *
     * @param serverOptions {@code -c name=value} settings, for example {@link #FAST} or {@link #DURABLE}.
     * @return the running server.
     */
    public static PostgresServer launch(final String serverOptions)
    {
        ensureInstalled();
        try
        {
            final Path dir = Files.createTempDirectory("ringcast-pg-");
            final PostgresServer server = new PostgresServer(dir, freePort(), null, serverOptions);
            run("chown", "-R", "postgres:postgres", dir.toString());
            asPostgres(BIN + "initdb", "-D", dir.resolve("data").toString(), "-U", "postgres", "-A", "trust",
                "-E", "UTF8", "--locale=C", "--no-sync");
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ringcast-pg-cleanup"));
            return server;
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("cannot create a PostgreSQL data directory: " + e.getMessage(), e);
        }
    }

    /** Installs the PostgreSQL 15 server package when its binaries are missing; fails saying what to do otherwise. */
    private static void ensureInstalled()
    {
        if (!"root".equals(System.getProperty("user.name")))
        {
            throw new IllegalStateException("the PostgreSQL tests start their own server as root (runuser -u postgres); " +
                "run them as root, or set RINGCAST_TEST_PG_URL=jdbc:postgresql://host:5432/postgres?user=...&password=... " +
                "to a server on which they may create databases");
        }
        if (Files.isExecutable(Path.of(BIN + "initdb")))
        {
            return;
        }
        try
        {
            ExternalTools.aptInstall("postgresql-15");
        }
        catch (final AssertionError | Exception e)
        {
            throw new IllegalStateException("PostgreSQL 15 is missing (" + BIN + "initdb) and could not be installed: " +
                e.getMessage() + "; install it (apt-get install postgresql-15) or set RINGCAST_TEST_PG_URL", e);
        }
        if (!Files.isExecutable(Path.of(BIN + "initdb")))
        {
            throw new IllegalStateException("postgresql-15 is installed but " + BIN + "initdb is missing; set " +
                "RINGCAST_TEST_PG_URL to a PostgreSQL server instead");
        }
    }

    /** @return a JDBC URL for the {@code postgres} database as superuser. */
    public String url()
    {
        return externalUrl != null ? externalUrl :
            "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    /**
     * Creates a fresh, empty database so tests do not see each other's outbox.
     *
     * @param name database name, lower case.
     * @return its JDBC URL.
     */
    public synchronized String freshDatabase(final String name)
    {
        try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement())
        {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        }
        catch (final SQLException e)
        {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return url().replace("/postgres?", "/" + name + "?");
    }

    /** Starts the server (after {@link #stop()}); waits until it accepts connections. */
    public synchronized void start()
    {
        requireOwned();
        asPostgres(BIN + "pg_ctl", "-D", dataDir.resolve("data").toString(), "-l", dataDir.resolve("log").toString(),
            "-w", "-t", "60", "-o", "-p " + port + " -k " + dataDir + " -c listen_addresses=127.0.0.1 " + options,
            "start");
        running = true;
    }

    /** Stops the server fast (terminates sessions); waits until it is down. */
    public synchronized void stop()
    {
        requireOwned();
        asPostgres(BIN + "pg_ctl", "-D", dataDir.resolve("data").toString(), "-w", "-t", "60", "-m", "fast", "stop");
        running = false;
    }

    private void requireOwned()
    {
        if (externalUrl != null)
        {
            throw new IllegalStateException("this test stops and starts PostgreSQL, which it cannot do to the " +
                "external server " + externalUrl + ": unset ringcast.test.pg.url / RINGCAST_TEST_PG_URL");
        }
    }

    /** Stops (immediately) and removes a cluster this class made; nothing for an external server. */
    @Override
    public synchronized void close()
    {
        if (externalUrl != null || !Files.isDirectory(dataDir))
        {
            return;
        }
        try
        {
            if (running)
            {
                asPostgres(BIN + "pg_ctl", "-D", dataDir.resolve("data").toString(), "-w", "-m", "immediate", "stop");
            }
        }
        finally
        {
            running = false;
            run("rm", "-rf", dataDir.toString());
        }
    }

    private static boolean answers(final String url)
    {
        try (Connection ignored = DriverManager.getConnection(url))
        {
            return true;
        }
        catch (final SQLException e)
        {
            return false;
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
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
            if (!p.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS) || p.exitValue() != 0)
            {
                throw new IllegalStateException("PostgreSQL test setup failed: " + String.join(" ", command) +
                    "\n" + new String(out, StandardCharsets.UTF_8));
            }
        }
        catch (final IOException e)
        {
            throw new IllegalStateException("PostgreSQL test setup cannot run " + command[0] + " (it needs root, " +
                "runuser and PostgreSQL 15 in " + BIN + "): " + e.getMessage(), e);
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        }
    }
}
