package io.ringcast.systemtest.relay;

import io.ringcast.systemtest.relay.support.Checks;
import io.ringcast.test.PostgresServer;
import io.ringcast.systemtest.relay.support.RelayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutOfOrderCommitTest
{
    private static final String INSERT = "INSERT INTO ringcast_outbox (origin, origin_seq, event_id, topic, payload, " +
        "ts_ms) VALUES (?, ?, ?, 'ooo', '\\x01', ?) RETURNING id";

    @Test
    void shouldDeliverBothRowsWhenTheEarlierNumberedTransactionCommitsLast() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_ooo_hold");
        try (RelayNode node = new RelayNode("reader", RelayNode.config(url));
            Connection first = DriverManager.getConnection(url);
            Connection second = DriverManager.getConnection(url))
        {
            RelayNode.await("the relay to connect", 20_000, () -> node.health().ok(), () -> node.health().toString());
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            final long now = System.currentTimeMillis();
            final long firstRowId = insert(first, "w1", 1, now);
            final long secondRowId = insert(second, "w2", 2, now);
            assertTrue(firstRowId < secondRowId, "the first writer's row is numbered first");
            second.commit();
            // a naive "id > last seen" reader would now read row 2, move past row 1's id and never see row 1
            Checks.execute(url, "NOTIFY ringcast_outbox");
            try (Connection other = DriverManager.getConnection(url); Statement s = other.createStatement())
            {
                s.execute("SELECT pg_sleep(0.6)"); // longer than the reader's poll interval: it has looked again
            }
            assertEquals(0, node.receivedTotal(), "row 2 is held back below the open transaction's xmin");
            first.commit();
            RelayNode.await("both rows", 20_000, () -> node.receivedTotal() == 2,
                () -> "w1=" + node.receivedFrom("w1") + " w2=" + node.receivedFrom("w2"));
            assertEquals(List.of(1L), node.receivedFrom("w1"));
            assertEquals(List.of(2L), node.receivedFrom("w2"));
        }
    }

    private static long insert(final Connection c, final String origin, final long seq, final long ts)
        throws Exception
    {
        try (PreparedStatement ps = c.prepareStatement(INSERT))
        {
            ps.setString(1, origin);
            ps.setLong(2, seq);
            ps.setLong(3, seq);
            ps.setLong(4, ts);
            try (ResultSet rs = ps.executeQuery())
            {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
