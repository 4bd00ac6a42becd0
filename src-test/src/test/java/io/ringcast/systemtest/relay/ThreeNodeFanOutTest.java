package io.ringcast.systemtest.relay;

import io.ringcast.systemtest.relay.support.Checks;
import io.ringcast.test.PostgresServer;
import io.ringcast.systemtest.relay.support.RelayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ThreeNodeFanOutTest
{
    private static final int EVENTS_PER_NODE = 10_000;

    @Test
    void shouldDeliverEveryEventOfEveryNodeExactlyOnceInOriginOrderOnEveryNode() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_fanout");
        final List<RelayNode> nodes = new ArrayList<>();
        try
        {
            for (final String id : List.of("a", "b", "c"))
            {
                nodes.add(new RelayNode(id, RelayNode.config(url)));
            }
            final List<Thread> publishers = new ArrayList<>();
            for (final RelayNode node : nodes)
            {
                final Thread t = new Thread(() ->
                {
                    for (int i = 0; i < EVENTS_PER_NODE; i++)
                    {
                        node.publish("orders/" + node.nodeId(), "{\"n\":" + i + "}");
                    }
                }, "publisher-" + node.nodeId());
                publishers.add(t);
                t.start();
            }
            for (final Thread t : publishers)
            {
                t.join();
            }

            for (final RelayNode receiver : nodes)
            {
                for (final RelayNode origin : nodes)
                {
                    final List<Long> ids = origin.published();
                    assertEquals(EVENTS_PER_NODE, ids.size());
                    RelayNode.await(receiver.nodeId() + " to get all of " + origin.nodeId(), 60_000,
                        () -> receiver.receivedFrom(origin.nodeId()).size() >= ids.size(),
                        () -> Checks.describe(receiver, origin.nodeId(), ids));
                }
            }
            for (final RelayNode receiver : nodes)
            {
                for (final RelayNode origin : nodes)
                {
                    assertEquals(origin.published(), receiver.receivedFrom(origin.nodeId()),
                        () -> Checks.describe(receiver, origin.nodeId(), origin.published()));
                }
                assertEquals(3L * EVENTS_PER_NODE, receiver.receivedTotal());
                assertEquals(0, receiver.outOfOrder());
            }
            // nothing relayed came back into the outbox: exactly one row per published event, under its origin
            assertEquals(3L * EVENTS_PER_NODE, Checks.queryLong(url, "SELECT count(*) FROM ringcast_outbox"));
            for (final RelayNode origin : nodes)
            {
                final List<Long> ids = origin.published();
                assertEquals(EVENTS_PER_NODE, Checks.queryLong(url, "SELECT count(*) FROM ringcast_outbox WHERE " +
                    "origin = '" + origin.nodeId() + "' AND origin_seq BETWEEN " + ids.get(0) + " AND " +
                    ids.get(ids.size() - 1)));
            }
            for (final RelayNode node : nodes)
            {
                assertEquals("ok", node.health().state(), node.health().detail());
                assertEquals(0.0, node.metric("relay_dropped_writes_total"));
                assertEquals(2.0 * EVENTS_PER_NODE, node.metric("relay_rows_read_total"));
            }
        }
        finally
        {
            nodes.forEach(RelayNode::close);
        }
    }
}
