package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.PostgresServer;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resume on any replica, end to end: two {@code RingcastServer}s relaying through a real PostgreSQL, publishers on
 * both, and SSE clients that move between them with their {@code Last-Event-ID}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReplicaSseResumeTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern DATA = Pattern.compile("\\{\"o\":\"([a-z]+)\",\"i\":(\\d+)}");
    private static final AtomicInteger TOPICS = new AtomicInteger();

    private TestServer a;
    private TestServer b;

    @BeforeAll
    void startTwoReplicas()
    {
        final String url = PostgresServer.shared().freshDatabase("sse_replica_resume");
        a = TestServer.start(c -> c.nodeId("na").setting("pg-url", url));
        b = TestServer.start(c -> c.nodeId("nb").setting("pg-url", url));
        awaitRelayed(a, b);
        awaitRelayed(b, a);
    }

    @AfterAll
    void stop()
    {
        if (a != null)
        {
            a.close();
        }
        if (b != null)
        {
            b.close();
        }
    }

    @Test
    void shouldReceiveTheRestExactlyOnceAfterMovingFromNodeAToNodeBWithItsLastEventId() throws Exception
    {
        final String topic = topic();
        final int perNode = 400;
        final SseStream onA = a.api().subscribe(topic);
        final List<Thread> publishers = publishers(topic, perNode);
        onA.awaitFrames(perNode, WAIT);
        onA.close();
        final List<SseFrame> seen = new ArrayList<>(onA.frames());
        final String lastId = seen.get(seen.size() - 1).id();
        assertTrue(lastId.startsWith("t=") && lastId.contains("@na:"), "node A stamps a vector id: " + lastId);

        final SseStream onB = b.api().stream("/events" + Api.query(topic), "Last-Event-ID", lastId);
        assertEquals(200, onB.status());
        for (final Thread t : publishers)
        {
            t.join();
        }
        onB.awaitFrames(2 * perNode - seen.size(), WAIT);
        // one more event on B once it has relayed everything: its own stamp now covers the client's position
        b.api().publish(topic, "{\"o\":\"nb\",\"i\":" + perNode + "}");
        onB.awaitFrames(2 * perNode - seen.size() + 1, WAIT);
        onB.close();
        final List<SseFrame> rest = onB.frames();
        assertFalse(rest.stream().anyMatch(f -> f.type().equals("reset")), "the move is exact: no reset");
        seen.addAll(rest);

        final Map<String, List<Integer>> byOrigin = byOrigin(seen);
        assertEquals(range(perNode), byOrigin.get("na"), "every event of na exactly once, in order");
        assertEquals(range(perNode + 1), byOrigin.get("nb"), "every event of nb exactly once, in order");
        int firstShared = rest.size();
        for (int i = 0; i < rest.size(); i++)
        {
            if (rest.get(i).id().contains("@"))
            {
                firstShared = Math.min(firstShared, i);
            }
            else
            {
                assertTrue(i < firstShared, "per-client ids only before the switch to shared ids: " + rest.get(i));
            }
        }
        final String last = rest.get(rest.size() - 1).id();
        assertTrue(last.contains("@nb:"), "back on B's shared, stamped ids once caught up: " + last);
    }

    @Test
    void shouldResumeOnTheSameNodeFromItsVectorIdWithTheSameIds()
    {
        final String topic = topic();
        final SseStream first = a.api().subscribe(topic);
        for (int i = 0; i < 20; i++)
        {
            (i % 2 == 0 ? a : b).api().publish(topic, "{\"o\":\"" + (i % 2 == 0 ? "na" : "nb") + "\",\"i\":" + i + "}");
        }
        first.awaitFrames(20, WAIT);
        first.close();
        final List<SseFrame> all = first.frames();

        final SseStream again = a.api().stream("/events" + Api.query(topic), "Last-Event-ID", all.get(7).id());
        assertEquals(200, again.status());
        again.awaitFrames(12, WAIT);
        again.close();
        assertEquals(all.subList(8, 20).stream().map(SseFrame::id).toList(),
            again.frames().stream().map(SseFrame::id).toList(),
            "the same node serves the rest from memory with the same shared ids");
        assertEquals(all.subList(8, 20).stream().map(SseFrame::data).toList(),
            again.frames().stream().map(SseFrame::data).toList());
    }

    @Test
    void shouldStayExactWhenMovingFromAToBAndBackToA() throws Exception
    {
        final String topic = topic();
        final int perNode = 300;
        final SseStream onA = a.api().subscribe(topic);
        final List<Thread> publishers = publishers(topic, perNode);
        onA.awaitFrames(2 * perNode / 3, WAIT);
        onA.close();
        final List<SseFrame> seen = new ArrayList<>(onA.frames());

        final SseStream onB = b.api().stream("/events" + Api.query(topic), "Last-Event-ID",
            seen.get(seen.size() - 1).id());
        assertEquals(200, onB.status());
        onB.awaitFrames(2 * perNode / 3, WAIT);
        onB.close();
        seen.addAll(onB.frames());

        final SseStream backOnA = a.api().stream("/events" + Api.query(topic), "Last-Event-ID",
            seen.get(seen.size() - 1).id());
        assertEquals(200, backOnA.status());
        for (final Thread t : publishers)
        {
            t.join();
        }
        final int owed = 2 * perNode - seen.size();
        backOnA.awaitFrames(owed, WAIT);
        // a marker after everything: anything delivered twice would show up before it
        a.api().publish(topic, "{\"o\":\"na\",\"i\":" + perNode + "}");
        backOnA.awaitFrames(owed + 1, WAIT);
        backOnA.close();
        seen.addAll(backOnA.frames());

        final Map<String, List<Integer>> byOrigin = byOrigin(seen);
        assertEquals(range(perNode + 1), byOrigin.get("na"));
        assertEquals(range(perNode), byOrigin.get("nb"));
        assertFalse(seen.stream().anyMatch(f -> f.type().equals("reset")));
    }

    @Test
    void shouldRefuseAMalformedVectorIdWith400()
    {
        for (final String bad : List.of("t=abc", "t=1,na", "t=1,na=1,na=2", "t=1@na"))
        {
            final Api.Reply reply = b.api().get("/events?topic=x", "Last-Event-ID", bad);
            assertEquals(400, reply.status(), bad + ": " + reply);
            assertEquals("bad_request", reply.jsonField("error"), reply.body());
            assertTrue(reply.jsonField("detail").contains("resume vector"), reply.body());
        }
        final Api.Reply query = a.api().get("/events?topic=x&lastEventId=t%3D1%2C%3D5");
        assertEquals(400, query.status(), query.toString());
        assertTrue(query.jsonField("detail").startsWith("invalid lastEventId parameter"), query.body());
    }

    private List<Thread> publishers(final String topic, final int perNode)
    {
        final List<Thread> threads = new ArrayList<>();
        for (final TestServer node : List.of(a, b))
        {
            final String origin = node == a ? "na" : "nb";
            final Thread t = new Thread(() ->
            {
                for (int i = 0; i < perNode; i++)
                {
                    node.api().publish(topic, "{\"o\":\"" + origin + "\",\"i\":" + i + "}");
                    if (i % 20 == 19)
                    {
                        LockSupport.parkNanos(2_000_000);
                    }
                }
            }, "publisher-" + origin);
            t.start();
            threads.add(t);
        }
        return threads;
    }

    private static Map<String, List<Integer>> byOrigin(final List<SseFrame> frames)
    {
        final Map<String, List<Integer>> map = new LinkedHashMap<>();
        for (final SseFrame f : frames)
        {
            final Matcher m = DATA.matcher(f.data());
            assertTrue(m.matches(), "unexpected event " + f);
            map.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Integer.parseInt(m.group(2)));
        }
        return map;
    }

    private static List<Integer> range(final int n)
    {
        final List<Integer> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            list.add(i);
        }
        return list;
    }

    private static String topic()
    {
        return "replica/t" + TOPICS.incrementAndGet();
    }

    /** Waits until an event published on {@code from} reaches a stream on {@code to}: both relays are running. */
    private static void awaitRelayed(final TestServer from, final TestServer to)
    {
        final String topic = topic();
        try (SseStream s = to.api().subscribe(topic))
        {
            Await.until(WAIT, "relay " + from.engine().nodeId() + " -> " + to.engine().nodeId(), () ->
            {
                from.api().publish(topic, "{\"o\":\"warm\",\"i\":0}");
                final long until = System.nanoTime() + 300_000_000L;
                while (s.frameCount() == 0 && System.nanoTime() - until < 0)
                {
                    LockSupport.parkNanos(5_000_000);
                }
                return s.frameCount() > 0;
            }, s::describe);
        }
    }
}
