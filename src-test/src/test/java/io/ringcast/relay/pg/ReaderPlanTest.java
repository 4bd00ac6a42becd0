package io.ringcast.relay.pg;

import io.ringcast.test.PostgresServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader's page query must be an ordered primary-key scan in every plan PostgreSQL may cache for it: a generic
 * plan made while the outbox is empty used to be a bitmap scan of every row past the cursor plus a sort, which made a
 * page's cost grow with the backlog (a 1M-event burst was relayed at 31k events/s instead of 176k). With the outbox
 * partitioned, the plan must be one ordered index scan per partition, merged (Merge Append), never a sort.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReaderPlanTest
{
    @Test
    void shouldPlanThePageAsAnOrderedIndexScanEvenOnAnEmptyOutbox() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_reader_plan");
        final RelayConfig config = new RelayConfig().url(url).nodeId("plan");
        try (Connection migrate = DriverManager.getConnection(url))
        {
            Schema.migrate(migrate);
            OutboxPartitions.ensureAhead(migrate, config.partitionMs(1_000).pruneIntervalMs(10_000));
        }
        final int partitions = partitions(url);
        assertTrue(partitions >= 10, "partitions: " + partitions);
        try (Connection plain = DriverManager.getConnection(url))
        {
            final String plan = genericPlan(plain);
            assertTrue(plan.contains("Sort  ("), "without the session settings the cached plan sorts:\n" + plan);
        }
        try (Connection reader = Connections.open(config, "reader", 0, true))
        {
            final String plan = genericPlan(reader);
            assertTrue(plan.contains("Merge Append"), "one ordered scan per partition, merged:\n" + plan);
            assertEquals(partitions, count(plan, "Index Scan using ringcast_outbox_p_"), plan);
            assertFalse(plan.contains("-> Sort") || plan.contains("->  Sort"), plan);
            assertFalse(plan.contains("Bitmap"), plan);
            assertFalse(plan.contains("JIT"), plan);
        }
    }

    private static int partitions(final String url) throws SQLException
    {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_inherits WHERE inhparent = 'ringcast_outbox'::regclass"))
        {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int count(final String text, final String part)
    {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1))
        {
            n++;
        }
        return n;
    }

    /** @return the generic plan of the reader's page query, as PostgreSQL caches it after five executions. */
    private static String genericPlan(final Connection c) throws SQLException
    {
        int n = 0;
        final StringBuilder sql = new StringBuilder();
        for (final char ch : OutboxReader.READ_SQL.toCharArray())
        {
            if (ch == '?')
            {
                sql.append('$').append(++n);
            }
            else
            {
                sql.append(ch);
            }
        }
        try (Statement s = c.createStatement())
        {
            s.execute("PREPARE page(text, text, text, bigint) AS " + sql);
            s.execute("SET plan_cache_mode = force_generic_plan");
            final StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("EXPLAIN (VERBOSE) EXECUTE page('plan', 'plan', '0', 0)"))
            {
                while (rs.next())
                {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            s.execute("DEALLOCATE page");
            s.execute("RESET plan_cache_mode");
            return plan.toString();
        }
    }
}
