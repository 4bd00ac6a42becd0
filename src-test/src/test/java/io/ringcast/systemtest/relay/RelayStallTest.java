package io.ringcast.systemtest.relay;

import io.ringcast.systemtest.relay.support.Checks;
import io.ringcast.test.PostgresServer;
import io.ringcast.systemtest.relay.support.RelayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A transaction left open on the cluster holds the outbox's xmin back, so committed rows of another node cannot be
 * relayed yet: the relay's lag, measured against the head, grows and {@code /healthz} turns degraded while it lasts,
 * then both recover once the transaction ends.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RelayStallTest
{
    private static final String INSERT = "INSERT INTO ringcast_outbox (origin, origin_seq, event_id, topic, payload, " +
        "ts_ms) VALUES (?, ?, ?, 'stall', '\\x01', ?)";

    @Test
    void shouldReportTheLagAgainstTheHeadAndDegradeDuringAStall() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_stall");
        try (RelayNode node = new RelayNode("reader", RelayNode.config(url));
            Connection holder = DriverManager.getConnection(url);
            Connection writer = DriverManager.getConnection(url))
        {
            RelayNode.await("the relay to connect", 20_000, () -> node.health().ok(), () -> node.health().toString());
            holder.setAutoCommit(false);
            insert(holder, "w1", 1); // an open transaction with an xid: the xmin horizon stops here
            insert(writer, "w2", 1); // committed, but after the open transaction: held back
            Checks.execute(url, "NOTIFY ringcast_outbox");
            RelayNode.await("the lag to show the stall", 20_000, () -> node.metric("relay_lag_ms") > 1_000,
                () -> "relay_lag_ms=" + node.metric("relay_lag_ms"));
            RelayNode.await("health to turn degraded", 20_000, () -> !node.health().ok(),
                () -> node.health().toString());
            assertTrue(node.health().detail().contains("relay stalled"), node.health().toString());
            assertEquals(0, node.receivedTotal(), "nothing could be relayed past the open transaction");

            holder.commit();
            RelayNode.await("both rows relayed", 20_000, () -> node.receivedTotal() == 2,
                () -> "received " + node.receivedTotal());
            RelayNode.await("the lag back to 0 and health ok", 20_000,
                () -> node.metric("relay_lag_ms") == 0 && node.health().ok(),
                () -> "relay_lag_ms=" + node.metric("relay_lag_ms") + " " + node.health());
        }
    }

    private static void insert(final Connection c, final String origin, final long seq) throws Exception
    {
        try (PreparedStatement ps = c.prepareStatement(INSERT))
        {
            ps.setString(1, origin);
            ps.setLong(2, seq);
            ps.setLong(3, seq);
            ps.setLong(4, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }
}
