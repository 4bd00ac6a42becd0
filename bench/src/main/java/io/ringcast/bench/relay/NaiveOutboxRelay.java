package io.ringcast.bench.relay;

import io.ringcast.engine.Engine;
import io.ringcast.engine.Message;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The reference design's design, for comparison: on the publish path, one {@code INSERT} of the row and then one
 * {@code NOTIFY} carrying the row id, each awaited (two auto-commit statements, as the reference design's repository does); the
 * listener on the other node loads each notified row by id and re-injects it locally.
 *
 * <p>Threads: one {@link Publisher} per publishing thread; {@link #listen} on its own thread.
 */
final class NaiveOutboxRelay
{
    static final String CHANNEL = "naive_events";

    private NaiveOutboxRelay()
    {
    }

    static void createSchema(final String url) throws SQLException
    {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement())
        {
            s.execute("DROP TABLE IF EXISTS naive_outbox");
            s.execute("CREATE TABLE naive_outbox (id bigserial PRIMARY KEY, origin text NOT NULL, topic text NOT NULL," +
                " payload bytea NOT NULL, ts_ms bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now())");
        }
    }

    /** One publishing thread's connection. Not thread-safe. */
    static final class Publisher implements AutoCloseable
    {
        private final Engine engine;
        private final String origin;
        private final Connection connection;
        private final PreparedStatement insert;
        private final PreparedStatement notify;

        Publisher(final String url, final Engine engine) throws SQLException
        {
            this.engine = engine;
            this.origin = engine.nodeId();
            this.connection = DriverManager.getConnection(url);
            this.insert = connection.prepareStatement(
                "INSERT INTO naive_outbox (origin, topic, payload, ts_ms) VALUES (?, ?, ?, ?) RETURNING id");
            this.notify = connection.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)");
        }

        /** Outbox row, NOTIFY, then local delivery: the reference design's {@code route_*} order. */
        void publish(final Message m) throws SQLException
        {
            insert.setString(1, origin);
            insert.setString(2, m.topic());
            insert.setBytes(3, m.payload());
            insert.setLong(4, System.currentTimeMillis());
            final long id;
            try (ResultSet rs = insert.executeQuery())
            {
                rs.next();
                id = rs.getLong(1);
            }
            notify.setString(1, Long.toString(id));
            notify.executeQuery().close();
            engine.publish(m);
        }

        @Override
        public void close() throws SQLException
        {
            connection.close();
        }
    }

    /** The other node's bridge: per notification, load the row by id and publish it locally. */
    static void listen(final String url, final Engine engine, final java.util.function.BooleanSupplier running)
    {
        try (Connection c = DriverManager.getConnection(url);
            PreparedStatement find = c.prepareStatement("SELECT origin, topic, payload, ts_ms FROM naive_outbox WHERE id = ?"))
        {
            try (Statement s = c.createStatement())
            {
                s.execute("LISTEN " + CHANNEL);
            }
            final PGConnection pg = c.unwrap(PGConnection.class);
            while (running.getAsBoolean())
            {
                final PGNotification[] ns = pg.getNotifications(100);
                if (ns == null)
                {
                    continue;
                }
                for (final PGNotification n : ns)
                {
                    find.setLong(1, Long.parseLong(n.getParameter()));
                    try (ResultSet rs = find.executeQuery())
                    {
                        if (rs.next() && !rs.getString(1).equals(engine.nodeId()))
                        {
                            final Message m = Message.builder(rs.getString(2)).payload(rs.getBytes(3)).build();
                            while (engine.replicaPublisher().tryPublish(m, rs.getString(1), 0, rs.getLong(4)) == Engine.RING_FULL)
                            {
                                Thread.onSpinWait();
                            }
                        }
                    }
                }
            }
        }
        catch (final SQLException e)
        {
            throw new IllegalStateException("naive relay listener: " + e.getMessage(), e);
        }
    }
}
