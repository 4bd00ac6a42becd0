package io.ringcast.sse;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzes the request-target decoder: any request target is decoded or refused with a 400; any parameter value
 * encoded by a client comes back exactly.
 */
class RequestTargetFuzz
{
    @Property(seed = "1511")
    void anyTargetIsDecodedOrRefusedWith400(@ForAll("targets") final String target)
    {
        try
        {
            final RequestTarget t = RequestTarget.parse(target);
            t.path();
            t.all("topic");
            t.first(Authenticator.TOKEN_PARAMETER);
        }
        catch (final HttpError e)
        {
            assertEquals(400, e.status.code(), e.detail());
        }
    }

    @Property(seed = "1512")
    void anEncodedValueDecodesToItself(@ForAll("unicode") final String name, @ForAll("unicode") final String value)
    {
        final String target = "/events?x=1&" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" +
            URLEncoder.encode(value, StandardCharsets.UTF_8);
        final RequestTarget t = RequestTarget.parse(target);
        assertEquals(value, t.first(name).isEmpty() && !value.isEmpty() ? null : t.all(name)
            .get(name.equals("x") ? 1 : 0));
    }

    @Provide
    Arbitrary<String> targets()
    {
        final Arbitrary<Character> c = Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.chars().with("/?&=%+#abcAF09")),
            net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('\u0000', '\u00ff')),
            net.jqwik.api.Tuple.of(1, Arbitraries.chars().all()));
        return c.list().ofMaxSize(40).map(l ->
        {
            final StringBuilder b = new StringBuilder(l.size());
            l.forEach(b::append);
            return b.toString();
        });
    }

    @Provide
    Arbitrary<String> unicode()
    {
        return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12)
            .filter(s -> StandardCharsets.UTF_8.newEncoder().canEncode(s));
    }
}
