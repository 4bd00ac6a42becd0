package io.ringcast.systemtest.relay;

import io.ringcast.systemtest.relay.support.Checks;
import io.ringcast.test.PostgresServer;
import io.ringcast.systemtest.relay.support.RelayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer's binary COPY path: rows keep the commit-order scheme (every row of a batch carries its transaction's
 * xid, drawn inside that transaction), bytes and nullable columns arrive intact, and a row already in the outbox
 * does not stop the stream.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutboxCopyRelayTest
{
    private static final String PAYLOAD = "é€\uD83D\uDE00 tab\there \\ \n";

    @Test
    void shouldGiveCopiedRowsTheirTransactionsXidAndHoldThemBehindAnOlderOpenTransaction() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_copy_xid");
        try (RelayNode w = new RelayNode("w", RelayNode.config(url));
            RelayNode r = new RelayNode("r", RelayNode.config(url));
            Connection blocker = DriverManager.getConnection(url))
        {
            RelayNode.await("both relays to connect", 20_000, () -> w.health().ok() && r.health().ok(),
                () -> w.health() + " / " + r.health());
            blocker.setAutoCommit(false);
            final long blockerXid = longQuery(blocker, "SELECT pg_current_xact_id()::text::bigint");

            long last = -1;
            for (int i = 0; i < 2_000; i++)
            {
                last = w.publish("copy/" + (i % 7), PAYLOAD + i);
            }
            final long lastId = last;
            RelayNode.await("w's writer to commit", 20_000, () -> w.relay().committedId() >= lastId,
                () -> "committed " + w.relay().committedId());

            assertEquals(2_000, Checks.queryLong(url, "SELECT count(*) FROM ringcast_outbox WHERE origin = 'w'"));
            assertTrue(Checks.queryLong(url,
                "SELECT min(xid::text::bigint) FROM ringcast_outbox WHERE origin = 'w'") > blockerXid);
            assertEquals((long)w.metric("relay_batches_written_total"), Checks.queryLong(url,
                "SELECT count(DISTINCT xid) FROM ringcast_outbox WHERE origin = 'w'"),
                "one xid per batch transaction");
            assertEquals(0, Checks.queryLong(url, "SELECT count(*) FROM (SELECT xid, array_agg(origin_seq ORDER BY id)" +
                " AS s FROM ringcast_outbox WHERE origin = 'w' GROUP BY xid) b" +
                " WHERE s <> (SELECT array_agg(x ORDER BY x) FROM unnest(s) x)"), "identity follows publish order");
            assertEquals(2_000, Checks.queryLong(url, "SELECT count(*) FROM ringcast_outbox WHERE origin = 'w'" +
                " AND origin_seq = event_id AND topic LIKE 'copy/_' AND type = 't' AND audience IS NULL" +
                " AND attributes = 'k=v' AND payload = convert_to('" + PAYLOAD.replace("'", "''") +
                "' || (origin_seq - " + (lastId - 1_999) + "), 'UTF8')"), "every column as published");

            Thread.sleep(600); // longer than the reader's poll interval
            assertEquals(List.of(), r.receivedFrom("w"), "held back below the open transaction's xmin");
            blocker.commit();
            RelayNode.await("r to receive w's events", 20_000, () -> Checks.receivedExactly(r, "w", w.published()),
                () -> Checks.describe(r, "w", w.published()));
        }
    }

    @Test
    void shouldSkipARowAlreadyInTheOutboxAndKeepRelaying()
    {
        final String url = PostgresServer.shared().freshDatabase("relay_copy_dup");
        try (RelayNode w = new RelayNode("w", RelayNode.config(url));
            RelayNode r = new RelayNode("r", RelayNode.config(url)))
        {
            RelayNode.await("both relays to connect", 20_000, () -> w.health().ok() && r.health().ok(),
                () -> w.health() + " / " + r.health());
            final long first = w.publish("copy/dup", "first");
            RelayNode.await("the first event", 20_000, () -> w.relay().committedId() >= first,
                () -> "committed " + w.relay().committedId());
            // w's second and third events are already there, committed with w's head the way a writer commits them
            // (a batch whose commit w did not see before it lost the connection, or a second node misconfigured as w)
            Checks.execute(url, "BEGIN; INSERT INTO ringcast_outbox (origin, origin_seq, event_id, topic, payload," +
                " ts_ms) VALUES ('w', " + (first + 1) + ", " + (first + 1) + ", 'copy/dup', '\\x00', " +
                System.currentTimeMillis() + "), ('w', " + (first + 2) + ", " + (first + 2) + ", 'copy/dup', " +
                "'\\x00', " + System.currentTimeMillis() + "); UPDATE ringcast_outbox_head SET max_seq = " +
                (first + 2) + " WHERE origin = 'w'; COMMIT");
            long last = -1;
            for (int i = 0; i < 50; i++)
            {
                last = w.publish("copy/dup", "next " + i);
            }
            assertEquals(first + 50, last, "ids are consecutive");
            final long lastId = last;
            RelayNode.await("w's writer to commit", 20_000, () -> w.relay().committedId() >= lastId,
                () -> "committed " + w.relay().committedId() + ", health " + w.health());
            assertEquals(51, Checks.queryLong(url, "SELECT count(*) FROM ringcast_outbox WHERE origin = 'w'"));
            assertEquals(0.0, w.metric("relay_write_failures_total"));
            // every id exactly once; the foreign row committed in its own, earlier transaction, so it sorts there
            RelayNode.await("r to receive every id once", 20_000,
                () -> r.receivedFrom("w").stream().sorted().toList().equals(w.published()),
                () -> Checks.describe(r, "w", w.published()));
            assertEquals(51, r.receivedFrom("w").size());
        }
    }

    private static long longQuery(final Connection c, final String sql) throws Exception
    {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql))
        {
            rs.next();
            return rs.getLong(1);
        }
    }
}
