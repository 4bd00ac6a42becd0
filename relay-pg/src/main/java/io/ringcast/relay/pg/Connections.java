package io.ringcast.relay.pg;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
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
     * @return an open connection in auto-commit mode.
     * @throws SQLException when PostgreSQL cannot be reached.
     */
    static Connection open(final RelayConfig config, final String role, final int socketTimeoutS) throws SQLException
    {
        final Properties p = new Properties();
        p.setProperty("ApplicationName", applicationName(role, config.nodeId()));
        p.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_S));
        p.setProperty("socketTimeout", Integer.toString(socketTimeoutS));
        p.setProperty("tcpKeepAlive", "true");
        return DriverManager.getConnection(config.url(), p);
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
