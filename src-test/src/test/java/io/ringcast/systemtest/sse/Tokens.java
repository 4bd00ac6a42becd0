package io.ringcast.systemtest.sse;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/** Mints HS256 bearer tokens the way a Ringcast deployment's identity provider would. Stateless. */
final class Tokens
{
    static final String SECRET = "ringcast-system-test-secret-0123456789abcdef";

    private Tokens()
    {
    }

    static String token(final String sub, final List<String> subscribe, final List<String> publish)
    {
        return sign(SECRET, claims(sub, subscribe, publish).expirationTime(inSeconds(600)).build());
    }

    /** @return a token with the usual claims, changed by {@code edit}, expiring in ten minutes unless edited. */
    static String edited(final String sub, final java.util.function.UnaryOperator<JWTClaimsSet.Builder> edit)
    {
        return sign(SECRET, edit.apply(claims(sub, List.of("*"), List.of("*")).expirationTime(inSeconds(600))).build());
    }

    /** @return a token that may publish anywhere, private events to any user included ({@code publish_private}). */
    static String publisherOfPrivateEvents(final String sub)
    {
        return publisherOfPrivateEvents(sub, List.of("*"), List.of("*"));
    }

    /**
     * @param publish        the topics it may publish to.
     * @param publishPrivate the topics it may publish private events to any user on ({@code publish_private}).
     */
    static String publisherOfPrivateEvents(final String sub, final List<String> publish,
        final List<String> publishPrivate)
    {
        return sign(SECRET, claims(sub, List.of(), publish).claim("publish_private", publishPrivate)
            .expirationTime(inSeconds(600)).build());
    }

    static String expiringIn(final long seconds, final String sub, final List<String> subscribe)
    {
        return sign(SECRET, claims(sub, subscribe, List.of()).expirationTime(inSeconds(seconds)).build());
    }

    static String expired(final String sub, final List<String> subscribe)
    {
        return sign(SECRET, claims(sub, subscribe, List.of()).expirationTime(inSeconds(-120)).build());
    }

    static String notYetValid(final String sub, final List<String> subscribe)
    {
        return sign(SECRET, claims(sub, subscribe, List.of())
            .notBeforeTime(inSeconds(600)).expirationTime(inSeconds(1200)).build());
    }

    static String signedWith(final String secret, final String sub, final List<String> subscribe)
    {
        return sign(secret, claims(sub, subscribe, List.of()).expirationTime(inSeconds(600)).build());
    }

    /** An unsigned token ({@code alg: none}) claiming everything. */
    static String algNone(final String sub)
    {
        final Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        final String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        final String body = b64.encodeToString(("{\"sub\":\"" + sub + "\",\"subscribe\":[\"*\"],\"publish\":[\"*\"]," +
            "\"exp\":" + (System.currentTimeMillis() / 1000 + 600) + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + body + ".";
    }

    private static JWTClaimsSet.Builder claims(final String sub, final List<String> subscribe, final List<String> publish)
    {
        return new JWTClaimsSet.Builder().subject(sub).claim("subscribe", subscribe).claim("publish", publish)
            .issueTime(new Date());
    }

    private static Date inSeconds(final long seconds)
    {
        return new Date(System.currentTimeMillis() + seconds * 1000);
    }

    private static String sign(final String secret, final JWTClaimsSet claims)
    {
        try
        {
            final SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        }
        catch (final JOSEException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
