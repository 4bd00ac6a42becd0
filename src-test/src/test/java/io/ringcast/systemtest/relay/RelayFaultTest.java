package io.ringcast.systemtest.relay;

import io.ringcast.systemtest.relay.support.Checks;
import io.ringcast.test.PostgresServer;
import io.ringcast.systemtest.relay.support.RelayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.ringcast.engine.Filter;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.spi.ResumedStream;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RelayFaultTest
{
    @Test
    void shouldLoseAndRepeatNothingWhenTheListenerBackendIsTerminatedMidRun() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("relay_kill");
        try (RelayNode a = new RelayNode("a", RelayNode.config(url));
            RelayNode b = new RelayNode("b", RelayNode.config(url)))
        {
            awaitOk(a);
            awaitOk(b);
            final Thread publisher = pacedPublisher(a, 20_000);
            publisher.start();
            for (int kill = 1; kill <= 3; kill++)
            {
                final long before = b.receivedFrom("a").size();
                RelayNode.await("progress before kill " + kill, 30_000,
                    () -> b.receivedFrom("a").size() > before, () -> Checks.describe(b, "a", a.published()));
                // b may show progress from rows it read before the previous kill while its reader is still
                // reconnecting: retry until there is a listener backend to terminate
                RelayNode.await("a listener backend of b to terminate (kill " + kill + ")", 30_000,
                    () -> Checks.queryLong(url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity " +
                        "WHERE application_name = 'ringcast-reader-b'") == 1,
                    () -> Checks.describe(b, "a", a.published()));
                if (kill == 2)
                {
                    Checks.queryLong(url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity " +
                        "WHERE application_name = 'ringcast-writer-a'");
                }
            }
            publisher.join();
            final List<Long> ids = a.published();
            RelayNode.await("b to get all of a", 60_000, () -> b.receivedFrom("a").size() >= ids.size(),
                () -> Checks.describe(b, "a", ids));
            assertEquals(ids, b.receivedFrom("a"), () -> Checks.describe(b, "a", ids));
            assertEquals(0, b.outOfOrder());
            assertTrue(b.metric("relay_reconnects_total") >= 3, "the reader reconnected after each kill");
            assertEquals(ids.size(), Checks.queryLong(url, "SELECT count(*) FROM ringcast_outbox"));
        }
    }

    @Test
    void shouldLoseAndRepeatNothingWhenPostgresRestartsMidRun() throws Exception
    {
        final PostgresServer pg = PostgresServer.shared();
        final String url = pg.freshDatabase("relay_restart");
        try (RelayNode a = new RelayNode("a", RelayNode.config(url));
            RelayNode b = new RelayNode("b", RelayNode.config(url)))
        {
            awaitOk(a);
            awaitOk(b);
            final Thread pa = pacedPublisher(a, 10_000);
            final Thread pb = pacedPublisher(b, 10_000);
            pa.start();
            pb.start();
            RelayNode.await("relaying under way", 30_000,
                () -> b.receivedFrom("a").size() > 1_000 && a.receivedFrom("b").size() > 1_000,
                () -> Checks.describe(b, "a", a.published()));
            pg.stop();
            RelayNode.await("the relay to notice", 10_000, () -> !b.health().ok(), () -> b.health().toString());
            pg.start();
            pa.join();
            pb.join();
            assertBothWays(a, b);
            RelayNode.await("health to recover", 20_000, () -> a.health().ok() && b.health().ok(),
                () -> a.health() + " " + b.health());
            assertEquals(20_000, Checks.queryLong(url, "SELECT count(*) FROM ringcast_outbox"));
            assertEquals(0.0, a.metric("relay_dropped_writes_total"));
        }
    }

    @Test
    void shouldServeACrossNodeResumeFromMemoryDuringAnOutageWhenMemoryCoversItAndRefuseAtOnceOtherwise()
        throws Exception
    {
        final PostgresServer pg = PostgresServer.shared();
        final String url = pg.freshDatabase("relay_resume_outage");
        try (RelayNode a = new RelayNode("a", RelayNode.config(url));
            RelayNode b = new RelayNode("b", RelayNode.config(url)))
        {
            awaitOk(a);
            awaitOk(b);
            for (int i = 0; i < 10; i++)
            {
                a.publish("outage/resume", "a" + i);
            }
            final List<Long> fromA = a.published();
            RelayNode.await("b to relay a's events", 20_000, () -> b.receivedFrom("a").size() == 10,
                () -> Checks.describe(b, "a", fromA));
            pg.stop();
            RelayNode.await("b's relay to notice the outage", 20_000,
                () -> b.health().detail().contains("outbox"), () -> b.health().toString());
            for (int i = 0; i < 5; i++)
            {
                b.publish("outage/resume", "b" + i);
            }
            final List<Long> fromB = b.published();

            // a client of a that saw a's first five events moves to b: b's memory holds everything after that
            final ResumedStream resumed = b.relay().resume(b.engine(), Filter.all(), SubscribeOptions.defaults(),
                "t=0,a=" + fromA.get(4));
            assertTrue(resumed.exact(), "served from memory, exactly");
            final Map<String, List<Long>> got = new HashMap<>();
            RelayNode.await("the rest from b's memory", 10_000, () ->
            {
                resumed.drain(e -> got.computeIfAbsent(e.origin(), k -> new ArrayList<>()).add(e.originSequence()),
                    64);
                return got.getOrDefault("a", List.of()).size() >= 5 && got.getOrDefault("b", List.of()).size() >= 5;
            }, got::toString);
            resumed.close();
            assertEquals(fromA.subList(5, 10), got.get("a"), "a's events after the client's position, once each");
            assertEquals(fromB, got.get("b"), "b's own events of the outage, still in its memory, once each");
            assertEquals(1.0, b.metric("relay_resumes_from_memory_total"));

            // a position that lacks a, whose events b's memory does not all hold: refused at once, retryable
            final SQLException refused = assertThrows(SQLException.class, () -> b.relay().resume(b.engine(),
                Filter.all(), SubscribeOptions.defaults(), "t=0,b=1"));
            assertTrue(refused.getMessage().contains("PostgreSQL is unreachable"), refused.getMessage());
            assertEquals(1.0, b.metric("relay_resumes_refused_total"));
        }
        finally
        {
            ensureRunning(pg, url);
        }
    }

    @Test
    void shouldServeLocalSubscribersAndCatchUpWhenPostgresIsUnreachableAtStartAndLater() throws Exception
    {
        final PostgresServer pg = PostgresServer.shared();
        final String url = pg.freshDatabase("relay_outage");
        pg.stop();
        try (RelayNode a = new RelayNode("a", RelayNode.config(url));
            RelayNode b = new RelayNode("b", RelayNode.config(url)))
        {
            assertEquals("degraded", a.health().state());
            publishAndServeLocally(a, b, 1_000);
            assertEquals(0, b.receivedFrom("a").size());
            pg.start();
            assertBothWays(a, b);
            RelayNode.await("health ok", 20_000, () -> a.health().ok() && b.health().ok(),
                () -> a.health() + " " + b.health());

            pg.stop();
            RelayNode.await("degraded again", 20_000, () -> !a.health().ok() && !b.health().ok(),
                () -> a.health() + " " + b.health());
            publishAndServeLocally(a, b, 1_000);
            pg.start();
            assertBothWays(a, b);
            RelayNode.await("health ok", 20_000, () -> a.health().ok() && b.health().ok(),
                () -> a.health() + " " + b.health());
        }
        finally
        {
            ensureRunning(pg, url);
        }
    }

    @Test
    void shouldBoundTheWriterBufferAndCountWhatItCouldNotRelayWhilePostgresIsDown() throws Exception
    {
        final PostgresServer pg = PostgresServer.shared();
        final String url = pg.freshDatabase("relay_overflow");
        try (RelayNode a = new RelayNode("a", RelayNode.config(url).batchSize(100).bufferEvents(1_000));
            RelayNode b = new RelayNode("b", RelayNode.config(url)))
        {
            awaitOk(a);
            awaitOk(b);
            pg.stop();
            RelayNode.await("a's writer to notice", 10_000, () -> !a.health().ok(), () -> a.health().toString());
            for (int i = 0; i < 5_000; i++)
            {
                a.publish("overflow/a", "x" + i);
            }
            RelayNode.await("local delivery of everything", 10_000, () -> a.receivedFrom("a").size() == 5_000,
                () -> Checks.describe(a, "a", a.published()));
            final double dropped = a.metric("relay_dropped_writes_total");
            assertTrue(dropped >= 5_000 - 1_024 - 100 && dropped <= 5_000 - 1_000, "dropped " + dropped);
            assertTrue(a.health().detail().contains("not relayed"), a.health().detail());
            pg.start();
            final int relayed = 5_000 - (int)dropped;
            RelayNode.await("b to get what a buffered", 30_000, () -> b.receivedFrom("a").size() >= relayed,
                () -> Checks.describe(b, "a", a.published()));
            final List<Long> got = b.receivedFrom("a");
            assertEquals(relayed, got.size(), "every event not counted as dropped was relayed");
            assertTrue(a.published().containsAll(got), "only a's events");
            for (int i = 1; i < got.size(); i++)
            {
                assertTrue(got.get(i - 1) < got.get(i), "in a's order, none twice, at " + i);
            }
            assertEquals(a.published().get(0), got.get(0), "the oldest buffered events are kept, newer ones dropped");
        }
        finally
        {
            ensureRunning(pg, url);
        }
    }

    private static void ensureRunning(final PostgresServer pg, final String url)
    {
        try
        {
            Checks.queryLong(url, "SELECT 1");
        }
        catch (final IllegalStateException e)
        {
            pg.start();
        }
    }

    private static void publishAndServeLocally(final RelayNode a, final RelayNode b, final int n)
    {
        final int aBefore = a.receivedFrom("a").size();
        final int bBefore = b.receivedFrom("b").size();
        for (int i = 0; i < n; i++)
        {
            a.publish("outage/a", "a" + i);
            b.publish("outage/b", "b" + i);
        }
        RelayNode.await("local delivery while PostgreSQL is down", 10_000,
            () -> a.receivedFrom("a").size() == aBefore + n && b.receivedFrom("b").size() == bBefore + n,
            () -> Checks.describe(a, "a", a.published()));
        assertEquals("degraded", a.health().state(), a.health().detail());
    }

    private static void assertBothWays(final RelayNode a, final RelayNode b)
    {
        final List<Long> fromA = a.published();
        final List<Long> fromB = b.published();
        RelayNode.await("both nodes to get everything", 60_000,
            () -> b.receivedFrom("a").size() >= fromA.size() && a.receivedFrom("b").size() >= fromB.size(),
            () -> Checks.describe(b, "a", fromA) + "; " + Checks.describe(a, "b", fromB));
        assertEquals(fromA, b.receivedFrom("a"), () -> Checks.describe(b, "a", fromA));
        assertEquals(fromB, a.receivedFrom("b"), () -> Checks.describe(a, "b", fromB));
        assertEquals(fromA, a.receivedFrom("a"));
        assertEquals(fromB, b.receivedFrom("b"));
        assertEquals(0, a.outOfOrder() + b.outOfOrder());
    }

    private static void awaitOk(final RelayNode node)
    {
        RelayNode.await(node.nodeId() + " relay connected", 20_000, () -> node.health().ok(),
            () -> node.health().toString());
    }

    /** About 5,000 events/s, so that faults land in the middle of the run. */
    private static Thread pacedPublisher(final RelayNode node, final int n)
    {
        final Thread t = new Thread(() ->
        {
            for (int i = 0; i < n; i++)
            {
                node.publish("fault/" + node.nodeId(), "{\"n\":" + i + "}");
                if (i % 50 == 49)
                {
                    LockSupport.parkNanos(10_000_000);
                }
            }
        }, "publisher-" + node.nodeId());
        t.setDaemon(true);
        return t;
    }
}
