package io.ringcast.systemtest.relay;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node's reader does not query the outbox for the NOTIFYs of its own batches, yet never leaves another node's
 * events waiting for the poll when its own commit is what lets them through.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OwnNotifyTest
{
    /** Far longer than every deadline below: an event that waits for the poll fails the test. */
    private static final long NO_POLL_MS = 600_000;

    @Test
    void shouldSkipReadsForItsOwnBatchesAndStillRelayBothWays()
    {
        final String url = PostgresServer.shared().freshDatabase("relay_own_notify");
        try (RelayNode a = new RelayNode("a", RelayNode.config(url).pollIntervalMs(NO_POLL_MS));
            RelayNode b = new RelayNode("b", RelayNode.config(url).pollIntervalMs(NO_POLL_MS)))
        {
            RelayNode.await("both relays to connect", 20_000, () -> a.health().ok() && b.health().ok(),
                () -> a.health() + " / " + b.health());
            for (int round = 0; round < 20; round++)
            {
                for (int i = 0; i < 50; i++)
                {
                    a.publish("own/" + i, "a" + round + "-" + i);
                }
                final long last = a.published().get(a.published().size() - 1);
                RelayNode.await("a's batch to commit", 20_000, () -> a.relay().committedId() >= last,
                    () -> "committed " + a.relay().committedId());
            }
            RelayNode.await("b to receive a's events", 20_000, () -> Checks.receivedExactly(b, "a", a.published()),
                () -> Checks.describe(b, "a", a.published()));
            assertTrue(a.metric("relay_own_notifies_skipped_total") >= 20,
                "a's own NOTIFYs skipped: " + a.metric("relay_own_notifies_skipped_total"));
            assertTrue(Checks.receivedExactly(a, "a", a.published()),
                "a's own events, each once: never re-injected from the outbox");

            for (int i = 0; i < 100; i++)
            {
                b.publish("other/" + i, "b" + i);
            }
            RelayNode.await("a to receive b's events", 20_000, () -> Checks.receivedExactly(a, "b", b.published()),
                () -> Checks.describe(a, "b", b.published()));
            assertEquals(0, a.outOfOrder() + b.outOfOrder());
        }
    }

    @Test
    void shouldReadOnItsOwnCommitWhenAnotherNodesBatchWasHeldBack() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_own_notify_held");
        try (RelayNode a = new RelayNode("a", RelayNode.config(url).pollIntervalMs(NO_POLL_MS));
            RelayNode b = new RelayNode("b", RelayNode.config(url));
            Connection blocker = DriverManager.getConnection(url))
        {
            RelayNode.await("both relays to connect", 20_000, () -> a.health().ok() && b.health().ok(),
                () -> a.health() + " / " + b.health());
            blocker.setAutoCommit(false);
            try (Statement s = blocker.createStatement())
            {
                s.execute("SELECT pg_current_xact_id()"); // an xid older than b's batch holds the read bound back
            }
            for (int i = 0; i < 10; i++)
            {
                b.publish("held/" + i, "b" + i);
            }
            final long lastB = b.published().get(9);
            RelayNode.await("b's batch to commit", 20_000, () -> b.relay().committedId() >= lastB,
                () -> "committed " + b.relay().committedId());
            Thread.sleep(1_000); // a reads on b's NOTIFY and finds the batch held back
            assertEquals(List.of(), a.receivedFrom("b"), "held back below the open transaction's xmin");

            blocker.commit(); // nothing announces this; a's reader would wait for its (10-minute) poll
            final long lastA = a.publish("mine", "a0");
            RelayNode.await("a's batch to commit", 20_000, () -> a.relay().committedId() >= lastA,
                () -> "committed " + a.relay().committedId());
            RelayNode.await("a to read b's batch on its own commit", 20_000,
                () -> Checks.receivedExactly(a, "b", b.published()), () -> Checks.describe(a, "b", b.published()));
        }
    }
}
