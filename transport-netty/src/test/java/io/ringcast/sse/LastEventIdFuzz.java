package io.ringcast.sse;

import io.ringcast.engine.EventIds;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fuzzes {@code Last-Event-ID} parsing: an id or an {@link IllegalArgumentException} (a 400), and ids round-trip. */
class LastEventIdFuzz
{
    @Property(seed = "1531")
    void anyIdTextIsAnIdOrRefused(@ForAll("ids") final String text)
    {
        try
        {
            assertTrue(EventIds.parse(text) >= 0);
        }
        catch (final IllegalArgumentException e)
        {
            assertTrue(e.getMessage() != null);
        }
    }

    @Property(seed = "1532")
    void idsRoundTrip(@ForAll @LongRange(min = 0) final long id)
    {
        assertEquals(id, EventIds.parse(EventIds.format(id)));
    }

    @Provide
    Arbitrary<String> ids()
    {
        return Arbitraries.oneOf(
            Arbitraries.strings().withChars("0123456789").ofMaxLength(22),
            Arbitraries.strings().withChars("0123456789+-@t=,: ").ofMaxLength(22),
            Arbitraries.strings().all().ofMaxLength(22));
    }
}
