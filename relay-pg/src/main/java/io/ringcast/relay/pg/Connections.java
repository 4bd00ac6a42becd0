package io.ringcast.relay.pg;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Opens PGJDBC connections with the relay's socket settings. Stateless and thread-safe. */
final class Connections
{
    private static final int CONNECT_TIMEOUT_S = 5;

    private Connections()
    {
    }

    /**
     * @param config          the relay settings.
     * @param role            {@code writer}, {@code reader}, {@code pruner} or {@code log}: becomes the
     *                        {@code application_name} {@code ringcast-<role>-<node>} seen in {@code pg_stat_activity}.
     * @param socketTimeoutS  read timeout in seconds, 0 for none.
     * @param pagesByIndex    {@code true} sets {@code enable_sort = off} for the session, for the roles that read
     *                        the outbox in keyset pages ({@code WHERE key > ? ORDER BY key LIMIT n}): reader, pruner,
     *                        durable log, resume. PGJDBC prepares a statement on the server after five executions,
     *                        and PostgreSQL's cached generic plan for such a page, made while the outbox was small
     *                        (or from statistics that end below the newest keys, which is always the case for an
     *                        ascending key), is a bitmap scan of every row past the key plus a sort: the cost of a
     *                        page then grows with the rows behind it (measured: 86 ms instead of 0.7 ms for a
     *                        2,000-row page 300,000 rows behind; a 1M-event relay burst crawled at 31k ev/s, 176k since).
     *                        With sorts priced out the one remaining plan is the ordered index scan, whatever the
     *                        statistics; a statement that can only be answered by sorting still sorts. JIT goes
     *                        off with it: a priced-out sort makes a plan's cost pass {@code jit_above_cost}, and
     *                        compiling it took 70-120 ms per statement.
     * @return an open connection in auto-commit mode.
     * @throws SQLException when PostgreSQL cannot be reached.
     */
    static Connection open(final RelayConfig config, final String role, final int socketTimeoutS,
        final boolean pagesByIndex) throws SQLException
    {
        final Properties p = new Properties();
        p.setProperty("ApplicationName", applicationName(role, config.nodeId()));
        p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_S));
        p.setProperty("socketTimeout", Integer.toString(socketTimeoutS));
        p.setProperty("tcpKeepAlive", "true");
        final Connection c = DriverManager.getConnection(config.url(), p);
        if (!pagesByIndex)
        {
            return c;
        }
        try (Statement s = c.createStatement())
        {
            s.execute("SET enable_sort = off; SET jit = off");
        }
        catch (final SQLException e)
        {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    /** @return the {@code application_name} a relay connection of {@code role} on {@code nodeId} carries. */
    static String applicationName(final String role, final String nodeId)
    {
        return "ringcast-" + role + "-" + nodeId;
    }

    static void closeQuietly(final Connection c)
    {
        if (c != null)
        {
            try
            {
                c.close();
            }
            catch (final SQLException ignore)
            {
                // the connection is being discarded after a failure; there is nothing left to release
            }
        }
    }
}
