package io.ringcast.relay.pg;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.Filter;
import io.ringcast.engine.Message;
import io.ringcast.engine.Subscription;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VectorIdTest
{
    @Test
    void shouldParseAndPrintTheStampSuffix()
    {
        final ResumeVector v = ResumeVector.parse("t=5,a=10,b-2=20@b-2:77");
        assertEquals(Map.of("a", 10L, "b-2", 20L), v.positions());
        assertEquals("b-2", v.stampNode());
        assertEquals(77, v.stampLocalId());
        assertEquals("t=5,a=10,b-2=20@b-2:77", v.toString());
        assertNull(ResumeVector.parse("t=5,a=1").stampNode());
        assertEquals(-1, ResumeVector.parse("t=5").stampLocalId());
    }

    @Test
    void shouldRejectMalformedVectorsNamingTheProblem()
    {
        for (final String bad : List.of("t=", "t=x", "t=1,a", "t=1,a=", "t=1,a=-3", "t=1,a=1,a=2", "t=1,=4",
            "t=1,a=1,", "t=1@", "t=1@a", "t=1@a:", "t=1@:5", "t=1,a b=1", "t=1,a=+1", "x=1", "12a"))
        {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResumeVector.parse(bad), bad);
            assertTrue(e.getMessage().contains("resume vector"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ResumeVector.parse("t=1," + "a".repeat(5000) + "=1"));
    }

    @Test
    void shouldCoverAPositionOnlyWhenEveryOriginIsAtOrBeyondIt()
    {
        final Map<String, Long> seen = Map.of("a", 10L, "b", 20L);
        assertTrue(ResumeVector.covers("t=0,a=10,b=20@b:3", seen));
        assertTrue(ResumeVector.covers("t=0,a=11,b=25,c=1@c:3", seen));
        assertFalse(ResumeVector.covers("t=0,a=9,b=25@b:3", seen));
        assertFalse(ResumeVector.covers("t=0,b=25@b:3", seen));
        assertFalse(ResumeVector.covers("12345", seen));
        assertTrue(ResumeVector.covers("t=0", Map.of()));
        assertTrue(ResumeVector.covers("t=0@b:3", Map.of()));
    }

    @Test
    void shouldNotCoverWithAStampPrintedBeforeItsNodeKnewItsStartPosition()
    {
        assertFalse(ResumeVector.covers("t=9,a=10,b=20@b:3", Map.of("a", 10L)));
        assertFalse(ResumeVector.covers("t=01,a=10@b:3", Map.of("a", 10L)));
        assertFalse(ResumeVector.covers("t=1", Map.of()));
        assertTrue(ResumeVector.parse("t=0,a=1").byLogPosition());
        assertFalse(ResumeVector.parse("t=1700000000000,a=1").byLogPosition());
    }

    @Test
    void shouldClaimTheBaselineFromTheFirstEventAfterItIsHandedOver()
    {
        final VectorStamper stamper = new VectorStamper("b", 42);
        final EngineConfig config = new EngineConfig().nodeId("b").idFormatter(stamper);
        try (Engine engine = Engine.start(config))
        {
            final Subscription all = engine.subscribe(Filter.all());
            final long before = engine.publish(Message.builder("t").payload("x").build());
            final List<Event> got = new ArrayList<>();
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (got.isEmpty() && System.nanoTime() < deadline)
            {
                all.drain(e -> got.add(e.copy()), 16);
            }
            stamper.baseline(Map.of("a", 5L, "c", 9L, "b", 1L));
            while (engine.replicaPublisher().tryPublish(Message.builder("t").build(), "c", 10, 1) < 0)
            {
                Thread.onSpinWait();
            }
            while (got.size() < 2 && System.nanoTime() < deadline)
            {
                all.drain(e -> got.add(e.copy()), 16);
            }
            assertEquals("t=42,b=" + before + "@b:" + before, got.get(0).idString(),
                "before the start position is known: by time, own events only");
            assertEquals("t=0,a=5,b=" + before + ",c=10@b:" + got.get(1).id(), got.get(1).idString(),
                "afterwards by log position: the baseline merged, the own origin at its highest");
        }
    }

    @Test
    void shouldStampEveryEventWithTheNodeLevelVectorOncePerEvent()
    {
        final EngineConfig config = new EngineConfig().nodeId("b").idFormatter(new VectorStamper("b", 42));
        try (Engine engine = Engine.start(config))
        {
            final Subscription all = engine.subscribe(Filter.all());
            final long own = engine.publish(Message.builder("t").payload("x").build());
            while (engine.replicaPublisher().tryPublish(Message.builder("t").build(), "c", 7, 1) < 0)
            {
                Thread.onSpinWait();
            }
            while (engine.replicaPublisher().tryPublish(Message.builder("t").build(), "a", 3, 1) < 0)
            {
                Thread.onSpinWait();
            }
            final List<Event> got = new ArrayList<>();
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (got.size() < 3 && System.nanoTime() < deadline)
            {
                all.drain(e -> got.add(e.copy()), 16);
            }
            assertEquals(3, got.size());
            assertEquals("t=42,b=" + own + "@b:" + own, got.get(0).idString());
            assertEquals("t=42,b=" + own + ",c=7@b:" + got.get(1).id(), got.get(1).idString());
            assertEquals("t=42,a=3,b=" + own + ",c=7@b:" + got.get(2).id(), got.get(2).idString());
            assertEquals(got.get(2).id(), ResumeVector.parse(got.get(2).idString()).stampLocalId());
        }
    }
}
