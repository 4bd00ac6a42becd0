package io.ringcast.relay.pg;

import io.ringcast.engine.Attributes;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecTest
{
    @Test
    void shouldRoundTripAttributesWithSeparatorsInThem()
    {
        final Attributes a = Attributes.of("k&=", "v=&%", "région", "é ü+");
        assertEquals(a, AttributeCodec.decode(AttributeCodec.encode(a)));
        assertNull(AttributeCodec.encode(Attributes.EMPTY));
        assertEquals(Attributes.EMPTY, AttributeCodec.decode(null));
    }

    @Test
    void shouldRoundTripAResumeVector()
    {
        final ResumeVector v = ResumeVector.startingAt(1_700_000_000_000L).with("b", 20).with("a.1", 10).with("b", 5);
        assertEquals("t=1700000000000,a.1=10,b=20", v.toString());
        assertEquals(v, ResumeVector.parse(v.toString()));
        assertEquals(Map.of("a.1", 10L, "b", 20L), v.positions());
        assertEquals(-1, v.seen("c"));
    }

    @Test
    void shouldRejectAMalformedResumeVectorWithAClearMessage()
    {
        for (final String bad : new String[] {"12345", "t=x", "t=1,a", "t=1,a=1,a=2", "t=1,a=-3", "t=1,a b=1"})
        {
            final IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ResumeVector.parse(bad), bad);
            assertTrue(e.getMessage().contains("resume vector"), e.getMessage());
        }
    }

    @Test
    void shouldGrowTheBackoffExponentiallyWithJitterUpToTheCap()
    {
        final Backoff b = new Backoff(100, 800);
        final long[][] bounds = {{50, 100}, {100, 200}, {200, 400}, {400, 800}, {400, 800}};
        for (final long[] bound : bounds)
        {
            final long d = b.nextDelayMs();
            assertTrue(d >= bound[0] && d <= bound[1], d + " not in " + bound[0] + ".." + bound[1]);
        }
        b.reset();
        assertTrue(b.nextDelayMs() <= 100);
    }
}
