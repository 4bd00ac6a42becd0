package io.ringcast.sse;

import io.ringcast.test.Tokens;
import com.nimbusds.jwt.JWTClaimsSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fuzzes JWT handling: any token text, any mutation of a valid token and any claim values either grant a principal
 * or are refused with a 401; a mutated token is only accepted when its signed parts are unchanged.
 */
class JwtFuzz
{
    private static final Authenticator AUTH = Authenticator.hmac(Tokens.SECRET).claims("hub", "idp", true);
    private static final String VALID = Tokens.hs256(Tokens.claims("alice", List.of("a/*"), List.of("a"))
        .audience("hub").issuer("idp").expirationTime(new java.util.Date(4_000_000_000_000L)));

    @Property(seed = "1541")
    void anyTokenTextIsGrantedOrRefusedWith401(@ForAll("texts") final String token)
    {
        verify(token);
    }

    @Property(seed = "1542")
    void aMutatedTokenIsAcceptedOnlyWithItsSignedPartsIntact(@ForAll("mutations") final String token)
    {
        if (verify(token) != null)
        {
            assertEquals(VALID.substring(0, VALID.lastIndexOf('.')), token.substring(0, token.lastIndexOf('.')));
        }
    }

    @Property(seed = "1543")
    void anyClaimValuesAreGrantedOrRefusedWith401(@ForAll("claims") final Map<String, Object> claims)
    {
        final JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().audience("hub").issuer("idp");
        claims.forEach(b::claim);
        verify(Tokens.hs256(b));
    }

    private static Principal verify(final String token)
    {
        try
        {
            return AUTH.verify(token);
        }
        catch (final HttpError e)
        {
            assertEquals(401, e.status.code(), e.detail());
            return null;
        }
    }

    @Provide
    Arbitrary<String> texts()
    {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(60),
            Arbitraries.strings().withChars("abcXYZ019-_.=+/").ofMaxLength(120));
    }

    @Provide
    Arbitrary<String> mutations()
    {
        final Arbitrary<Tuple.Tuple2<Integer, Character>> edit = Combinators.combine(
            Arbitraries.integers().between(0, VALID.length() - 1),
            Arbitraries.chars().with("AQgw_-.=eyJ0Zz9")).as(Tuple::of);
        return edit.list().ofMinSize(1).ofMaxSize(3).map(edits ->
        {
            final StringBuilder b = new StringBuilder(VALID);
            for (final Tuple.Tuple2<Integer, Character> e : edits)
            {
                b.setCharAt(e.get1(), e.get2());
            }
            return b.toString();
        });
    }

    @Provide
    Arbitrary<Map<String, Object>> claims()
    {
        final Arbitrary<Object> value = Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(8).map(s -> (Object)s),
            Arbitraries.longs().map(l -> (Object)l),
            Arbitraries.of(true, false).map(x -> (Object)x),
            Arbitraries.strings().ofMaxLength(6).list().ofMaxSize(3).map(l -> (Object)l),
            Arbitraries.integers().list().ofMaxSize(2).map(l -> (Object)l));
        final Arbitrary<String> name = Arbitraries.of("sub", "subscribe", "publish", "publish_private", "exp", "nbf",
            "aud", "iss", "iat", "x");
        return Arbitraries.maps(name, value).ofMaxSize(6);
    }
}
