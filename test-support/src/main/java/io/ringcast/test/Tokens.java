package io.ringcast.test;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Builds signed test tokens (HS256 with {@link #SECRET} unless a method says otherwise), as a deployment's identity
 * provider would. Stateless.
 */
public final class Tokens
{
    public static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";

    private Tokens()
    {
    }

    public static String hs256(final String sub, final List<String> subscribe, final List<String> publish)
    {
        return sign(Tokens.macSigner(Tokens.SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256,
            claims(sub, subscribe, publish).expirationTime(new Date(System.currentTimeMillis() + 600_000)).build());
    }

    /** @return an HS256 token with {@code claims}, expiring in ten minutes unless they say otherwise. */
    public static String hs256(final JWTClaimsSet.Builder claims)
    {
        final JWTClaimsSet built = claims.build();
        final JWTClaimsSet.Builder b = new JWTClaimsSet.Builder(built);
        if (built.getExpirationTime() == null)
        {
            b.expirationTime(new Date(System.currentTimeMillis() + 600_000));
        }
        return sign(macSigner(SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, b.build());
    }

    /** @return claims that expire in ten minutes. */
    public static JWTClaimsSet.Builder expiring()
    {
        return new JWTClaimsSet.Builder().expirationTime(new Date(System.currentTimeMillis() + 600_000));
    }

    public static JWTClaimsSet.Builder claims(final String sub, final List<String> subscribe, final List<String> publish)
    {
        final JWTClaimsSet.Builder b = new JWTClaimsSet.Builder().subject(sub);
        if (subscribe != null)
        {
            b.claim("subscribe", subscribe);
        }
        if (publish != null)
        {
            b.claim("publish", publish);
        }
        return b;
    }

    public static String sign(final JWSSigner signer, final JWSAlgorithm alg, final JWTClaimsSet claims)
    {
        try
        {
            final SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
            jwt.sign(signer);
            return jwt.serialize();
        }
        catch (final JOSEException e)
        {
            throw new IllegalStateException(e);
        }
    }

    public static MACSigner macSigner(final byte[] key)
    {
        try
        {
            return new MACSigner(key);
        }
        catch (final JOSEException e)
        {
            throw new IllegalStateException(e);
        }
    }

    public static String token(final String sub, final List<String> subscribe, final List<String> publish)
    {
        return signHs256(SECRET, claims(sub, subscribe, publish).expirationTime(inSeconds(600)).build());
    }

    /** @return a token with the usual claims, changed by {@code edit}, expiring in ten minutes unless edited. */
    public static String edited(final String sub, final java.util.function.UnaryOperator<JWTClaimsSet.Builder> edit)
    {
        return signHs256(SECRET, edit.apply(claims(sub, List.of("*"), List.of("*")).expirationTime(inSeconds(600)))
            .build());
    }

    /** @return a token that may publish anywhere, private events to any user included ({@code publish_private}). */
    public static String publisherOfPrivateEvents(final String sub)
    {
        return publisherOfPrivateEvents(sub, List.of("*"), List.of("*"));
    }

    /**
     * @param publish        the topics it may publish to.
     * @param publishPrivate the topics it may publish private events to any user on ({@code publish_private}).
     */
    public static String publisherOfPrivateEvents(final String sub, final List<String> publish,
        final List<String> publishPrivate)
    {
        return signHs256(SECRET, claims(sub, List.of(), publish).claim("publish_private", publishPrivate)
            .expirationTime(inSeconds(600)).build());
    }

    public static String expiringIn(final long seconds, final String sub, final List<String> subscribe)
    {
        return signHs256(SECRET, claims(sub, subscribe, List.of()).expirationTime(inSeconds(seconds)).build());
    }

    public static String expired(final String sub, final List<String> subscribe)
    {
        return signHs256(SECRET, claims(sub, subscribe, List.of()).expirationTime(inSeconds(-120)).build());
    }

    public static String notYetValid(final String sub, final List<String> subscribe)
    {
        return signHs256(SECRET, claims(sub, subscribe, List.of())
            .notBeforeTime(inSeconds(600)).expirationTime(inSeconds(1200)).build());
    }

    public static String signedWith(final String secret, final String sub, final List<String> subscribe)
    {
        return signHs256(secret, claims(sub, subscribe, List.of()).expirationTime(inSeconds(600)).build());
    }

    /** An unsigned token ({@code alg: none}) claiming everything. */
    public static String algNone(final String sub)
    {
        final Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        final String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        final String body = b64.encodeToString(("{\"sub\":\"" + sub + "\",\"subscribe\":[\"*\"],\"publish\":[\"*\"]," +
            "\"exp\":" + (System.currentTimeMillis() / 1000 + 600) + "}").getBytes(StandardCharsets.UTF_8));
        return header + "." + body + ".";
    }

    private static Date inSeconds(final long seconds)
    {
        return new Date(System.currentTimeMillis() + seconds * 1000);
    }

    /** @return {@code claims} signed with HS256 and {@code secret}. */
    public static String signHs256(final String secret, final JWTClaimsSet claims)
    {
        return sign(macSigner(secret.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256, claims);
    }

}
