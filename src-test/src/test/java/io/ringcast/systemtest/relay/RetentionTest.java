package io.ringcast.systemtest.relay;

import io.ringcast.relay.pg.RelayConfig;
import io.ringcast.systemtest.relay.support.Checks;
import io.ringcast.test.PostgresServer;
import io.ringcast.systemtest.relay.support.RelayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RetentionTest
{
    private static final String INSERT_OLD = "INSERT INTO ringcast_outbox (origin, origin_seq, event_id, topic, " +
        "payload, ts_ms, created_at) SELECT '%s', g, g, 'old', '\\x01', %s, now() - interval '2 hours' " +
        "FROM generate_series(1, %d) g";

    /** Partitions of 1 s, dropped whole 2 s after they end. */
    private static RelayConfig shortRetention(final String url)
    {
        return RelayNode.config(url).retentionMs(2_000).partitionMs(1_000).pruneIntervalMs(1_000);
    }

    private static final String INSERT_LATE = "INSERT INTO ringcast_outbox (origin, origin_seq, event_id, topic, " +
        "payload, ts_ms) SELECT 'late', g, g, 'late', '\\x01', %s FROM generate_series(1, %d) g";

    private static long pruneNow(final RelayNode node)
    {
        try
        {
            return node.relay().pruneNow();
        }
        catch (final Exception e)
        {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldPruneRowsOlderThanTheRetentionAndNeverARowALiveReaderStillNeeds() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_prune");
        try (RelayNode a = new RelayNode("a", shortRetention(url)))
        {
            Checks.execute(url, String.format(INSERT_OLD, "old", "0", 300));
            try (RelayNode b = new RelayNode("b", shortRetention(url)))
            {
                RelayNode.await("relays connected", 20_000, () -> a.health().ok() && b.health().ok(),
                    () -> a.health() + " " + b.health());
                final AtomicBoolean publishing = new AtomicBoolean(true);
                final AtomicLong pruned = new AtomicLong();
                final Thread pruner = new Thread(() ->
                {
                    while (publishing.get())
                    {
                        try
                        {
                            pruned.addAndGet(b.relay().pruneNow());
                        }
                        catch (final Exception e)
                        {
                            throw new IllegalStateException(e);
                        }
                    }
                });
                pruner.start();
                for (int i = 0; i < 5_000; i++)
                {
                    a.publish("prune/a", "x" + i);
                }
                final List<Long> ids = a.published();
                RelayNode.await("b to get all of a", 30_000, () -> b.receivedFrom("a").size() >= ids.size(),
                    () -> Checks.describe(b, "a", ids));
                RelayNode.await("the old rows' partition to be dropped", 30_000,
                    () -> Checks.queryLong(url, "SELECT count(*) FROM ringcast_outbox WHERE origin = 'old'") == 0,
                    () -> "pruned " + pruned.get());
                publishing.set(false);
                pruner.join();

                assertEquals(ids, b.receivedFrom("a"), () -> Checks.describe(b, "a", ids));
                // both nodes' pruner threads run too (every second here): count what all of them removed, read again
                // when a pruner dropped a partition between the metrics and the count
                RelayNode.await("every removed row to be counted", 10_000, () -> 300.0 + ids.size() ==
                    a.metric("relay_rows_pruned_total") + b.metric("relay_rows_pruned_total") +
                    Checks.queryLong(url, "SELECT count(*) FROM ringcast_outbox"),
                    () -> "pruned by a " + a.metric("relay_rows_pruned_total") + ", by b " +
                    b.metric("relay_rows_pruned_total"));
                assertEquals(0.0, b.metric("relay_gaps_total"));
                assertEquals(0, b.receivedFrom("old").size());
            }
        }
    }

    @Test
    void shouldReportAGapWhenAReaderFallsBehindRetention() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_gap");
        try (RelayNode b = new RelayNode("b", shortRetention(url));
            Connection blocker = DriverManager.getConnection(url))
        {
            RelayNode.await("relay connected", 20_000, () -> b.health().ok(), () -> b.health().toString());
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement())
            {
                s.execute("SELECT pg_current_xact_id()"); // holds xmin back: the reader cannot read past it
            }
            Checks.execute(url, String.format(INSERT_LATE, System.currentTimeMillis(), 100));
            final AtomicLong pruned = new AtomicLong();
            RelayNode.await("rows past retention to be pruned even though unread", 45_000,
                () -> pruned.addAndGet(pruneNow(b)) >= 0
                    && Checks.queryLong(url, "SELECT count(*) FROM ringcast_outbox WHERE origin = 'late'") == 0,
                () -> "pruned " + pruned.get());
            assertEquals(0.0, b.metric("relay_gaps_total"));
            blocker.rollback();
            Checks.execute(url, "NOTIFY ringcast_outbox");
            RelayNode.await("the gap to be reported", 10_000, () -> b.metric("relay_gaps_total") == 1.0,
                () -> "gaps=" + b.metric("relay_gaps_total"));
            assertEquals(0, b.receivedFrom("late").size());
            assertTrue(b.health().ok(), "a gap is reported, the relay keeps running");
        }
    }
}
