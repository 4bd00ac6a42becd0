package io.ringcast.relay.pg;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Fuzzes resume-vector parsing (the {@code Last-Event-ID} of a replicated stream): a vector that prints back to an
 * equal vector, or an {@link IllegalArgumentException} naming the fault; nothing else escapes.
 */
class ResumeVectorFuzz
{
    @Property(seed = "1551")
    void anyTextIsAVectorOrRefused(@ForAll("vectors") final String text)
    {
        try
        {
            final ResumeVector v = ResumeVector.parse(text);
            assertEquals(v, ResumeVector.parse(v.toString()));
        }
        catch (final IllegalArgumentException e)
        {
            assertNotNull(e.getMessage());
        }
    }

    @Provide
    Arbitrary<String> vectors()
    {
        final Arbitrary<String> number = Arbitraries.oneOf(Arbitraries.longs().between(0, Long.MAX_VALUE).map(
            l -> Long.toString(l)), Arbitraries.strings().withChars("0123456789+- ").ofMaxLength(21));
        final Arbitrary<String> origin = Arbitraries.strings().withChars("ab.-_@:=,").ofMaxLength(4);
        final Arbitrary<String> pair = net.jqwik.api.Combinators.combine(origin, number).as((o, n) -> o + "=" + n);
        final Arbitrary<String> structured = net.jqwik.api.Combinators.combine(number, pair.list().ofMaxSize(3),
            Arbitraries.strings().withChars("ab:@0123456789").ofMaxLength(8).injectNull(0.5))
            .as((t, pairs, stamp) -> "t=" + t + (pairs.isEmpty() ? "" : "," + String.join(",", pairs)) +
                (stamp == null ? "" : "@" + stamp));
        return Arbitraries.oneOf(structured, Arbitraries.strings().all().ofMaxLength(30).map(s -> "t=" + s),
            Arbitraries.strings().all().ofMaxLength(30));
    }
}
