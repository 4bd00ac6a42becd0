package io.ringcast.systemtest.relay;

import io.ringcast.engine.Event;
import io.ringcast.engine.Filter;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.relay.pg.ReplicaResume;
import io.ringcast.relay.pg.ResumeVector;
import io.ringcast.test.PostgresServer;
import io.ringcast.systemtest.relay.support.Checks;
import io.ringcast.systemtest.relay.support.RelayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReplicaResumeTest
{
    private static final int PER_NODE = 3_000;

    @Test
    void shouldDeliverTheRestExactlyOnceWhenAClientMovesFromNodeAToNodeBWithItsVectorId() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_resume");
        final List<RelayNode> nodes = new ArrayList<>();
        try
        {
            for (final String id : List.of("a", "b", "c"))
            {
                nodes.add(new RelayNode(id, RelayNode.config(url)));
            }
            for (final RelayNode n : nodes)
            {
                RelayNode.await(n.nodeId() + " connected", 20_000, () -> n.health().ok(), () -> "" + n.health());
            }
            final RelayNode a = nodes.get(0);
            final RelayNode b = nodes.get(1);
            final Map<String, List<Long>> got = new HashMap<>();
            final String[] lastId = new String[1];

            final ReplicaResume onA = ReplicaResume.open(a.relay(), a.engine(), Filter.all(),
                SubscribeOptions.defaults().queueCapacity(1 << 16),
                ResumeVector.startingAt(System.currentTimeMillis()));
            assertTrue(onA.exact());
            final List<Thread> publishers = startPublishers(nodes);
            final int half = 3 * PER_NODE / 2;
            readUntil(onA, got, lastId, half, 30_000);
            onA.close();
            for (final RelayNode origin : nodes)
            {
                final int seen = got.getOrDefault(origin.nodeId(), List.of()).size();
                RelayNode.await("events the client missed from " + origin.nodeId(), 30_000,
                    () -> b.receivedFrom(origin.nodeId()).size() >= Math.min(PER_NODE, seen + 100),
                    () -> b.receivedFrom(origin.nodeId()).size() + " vs " + seen);
            }

            final ReplicaResume onB = ReplicaResume.open(b.relay(), b.engine(), Filter.all(),
                SubscribeOptions.defaults().queueCapacity(1 << 16), ResumeVector.parse(lastId[0]));
            assertTrue(onB.exact(), "the vector resume is exact");
            assertTrue(onB.pendingReplay() >= 100, "B replays what the client missed from the outbox: " +
                onB.pendingReplay());
            for (final Thread t : publishers)
            {
                t.join();
            }
            readUntil(onB, got, lastId, 3 * PER_NODE, 60_000);
            onB.close();

            for (final RelayNode origin : nodes)
            {
                assertEquals(origin.published(), got.get(origin.nodeId()),
                    "everything from " + origin.nodeId() + " exactly once, in order, across the move");
            }
            assertEquals(ResumeVector.parse(lastId[0]).seen("c"), nodes.get(2).published().get(PER_NODE - 1));
        }
        finally
        {
            nodes.forEach(RelayNode::close);
        }
    }

    @Test
    void shouldStreamAReplayOfMoreThanAHundredThousandEventsFromPostgresPageByPage() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_long_replay");
        final int rows = 150_000;
        try (RelayNode a = new RelayNode("a", RelayNode.config(url)))
        {
            RelayNode.await("a connected", 20_000, () -> a.health().ok(), () -> "" + a.health());
            // an origin that published 150,000 events long ago; a client saw only its first
            Checks.execute(url, "INSERT INTO ringcast_outbox (origin, origin_seq, event_id, topic, payload, ts_ms)" +
                " SELECT 'x', g, g, 'replay/x', convert_to('{\"n\":' || g || '}', 'UTF8'), 1700000000000 + g" +
                " FROM generate_series(0, " + rows + ") g");
            try (RelayNode b = new RelayNode("b", RelayNode.config(url)))
            {
                RelayNode.await("b connected", 20_000, () -> b.health().ok(), () -> "" + b.health());
                final ReplicaResume r = ReplicaResume.open(b.relay(), b.engine(), Filter.all(),
                    SubscribeOptions.defaults(), ResumeVector.parse("t=0,x=0"));
                assertTrue(r.exact(), "nothing is missing, however long the replay");
                final long[] next = {1};
                final int[] outOfOrder = {0};
                int mostLoaded = 0;
                final long deadline = System.currentTimeMillis() + 60_000;
                while (next[0] <= rows && System.currentTimeMillis() < deadline)
                {
                    mostLoaded = Math.max(mostLoaded, r.pendingReplay());
                    if (r.drain(e ->
                    {
                        if (!e.origin().equals("x") || e.originSequence() != next[0]++)
                        {
                            outOfOrder[0]++;
                        }
                    }, 256) == 0)
                    {
                        LockSupport.parkNanos(200_000);
                    }
                }
                assertEquals(rows + 1, next[0], "every row of x after the client's position was replayed");
                assertEquals(0, outOfOrder[0], "in x's order, none twice, nothing else");
                assertTrue(mostLoaded <= 2_000, "at most two pages of 1,000 events in memory, saw " + mostLoaded);
                b.publish("replay/b", "after");
                RelayNode.await("the live stream after the replay", 10_000, () ->
                    r.drain(e -> next[0] = e.originSequence(), 16) > 0 && r.caughtUp(), () -> r.position());
                assertTrue(r.position().startsWith("t=0,b=") && r.position().contains(",x=" + rows + "@b:"),
                    "back on b's own stamps, which claim x's rows: " + r.position());
                r.close();
            }
        }
    }

    @Test
    void shouldOweAnOriginTheVectorLacksAllItsRowsAndReportAnOldTimeVectorThatMayMissSomeAsNotExact() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_absent_origin");
        try (RelayNode a = new RelayNode("a", RelayNode.config(url)))
        {
            RelayNode.await("a connected", 20_000, () -> a.health().ok(), () -> "" + a.health());
            Checks.execute(url, "INSERT INTO ringcast_outbox (origin, origin_seq, event_id, topic, payload, ts_ms)" +
                " SELECT 'x', g, g, 'absent/x', '\\x7b7d'::bytea, 1700000000000 + g FROM generate_series(0, 5) g");
            final List<Long> all = List.of(0L, 1L, 2L, 3L, 4L, 5L);
            final ReplicaResume byLog = ReplicaResume.open(a.relay(), a.engine(), Filter.all(),
                SubscribeOptions.defaults(), ResumeVector.parse("t=0"));
            assertTrue(byLog.exact(), "a vector by log position lacking x is owed all of x's rows");
            assertEquals(all, replayed(byLog, 6));
            byLog.close();

            final ReplicaResume byTime = ReplicaResume.open(a.relay(), a.engine(), Filter.all(),
                SubscribeOptions.defaults(), ResumeVector.parse("t=1700000000003"));
            assertFalse(byTime.exact(), "an old id by time cannot tell whether x's older rows were owed");
            assertEquals(List.of(3L, 4L, 5L), replayed(byTime, 3), "x's rows published since t");
            byTime.close();

            final ReplicaResume seen = ReplicaResume.open(a.relay(), a.engine(), Filter.all(),
                SubscribeOptions.defaults(), ResumeVector.parse("t=1700000000003,x=4"));
            assertTrue(seen.exact(), "an origin the vector names is resumed by sequence, whatever t says");
            assertEquals(List.of(5L), replayed(seen, 1));
            seen.close();
        }
    }

    private static List<Long> replayed(final ReplicaResume r, final int n)
    {
        final List<Long> got = new ArrayList<>();
        RelayNode.await(n + " replayed events", 10_000, () ->
        {
            r.drain(e -> got.add(e.originSequence()), 64);
            return got.size() >= n;
        }, got::toString);
        return got;
    }

    private static void readUntil(final ReplicaResume r, final Map<String, List<Long>> got, final String[] lastId,
        final int total, final long timeoutMs)
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        int count = got.values().stream().mapToInt(List::size).sum();
        while (count < total)
        {
            final int[] delivered = {0};
            final int want = total - count;
            r.drain(e ->
            {
                if (delivered[0] < want)
                {
                    record(got, e);
                    lastId[0] = r.position();
                    delivered[0]++;
                }
            }, Math.min(want, 64));
            count += delivered[0];
            if (delivered[0] == 0)
            {
                if (System.currentTimeMillis() > deadline)
                {
                    throw new AssertionError("received " + count + " of " + total + ": " + got.keySet());
                }
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    private static void record(final Map<String, List<Long>> got, final Event e)
    {
        got.computeIfAbsent(e.origin(), k -> new ArrayList<>()).add(e.originSequence());
    }

    private static List<Thread> startPublishers(final List<RelayNode> nodes)
    {
        final List<Thread> ts = new ArrayList<>();
        for (final RelayNode n : nodes)
        {
            final Thread t = new Thread(() ->
            {
                for (int i = 0; i < PER_NODE; i++)
                {
                    n.publish("resume/" + n.nodeId(), "e" + i);
                    if (i % 50 == 49)
                    {
                        LockSupport.parkNanos(5_000_000);
                    }
                }
            }, "publisher-" + n.nodeId());
            t.start();
            ts.add(t);
        }
        return ts;
    }
}
