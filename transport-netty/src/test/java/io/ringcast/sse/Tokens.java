package io.ringcast.sse;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;

/** Builds signed test tokens. */
final class Tokens
{
    static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";

    private Tokens()
    {
    }

    static String hs256(final String sub, final List<String> subscribe, final List<String> publish)
    {
        return sign(Tokens.macSigner(Tokens.SECRET.getBytes(StandardCharsets.UTF_8)), JWSAlgorithm.HS256,
            claims(sub, subscribe, publish).expirationTime(new Date(System.currentTimeMillis() + 600_000)).build());
    }

    /** @return an HS256 token with {@code claims}, expiring in ten minutes unless they say otherwise. */
    static String hs256(final JWTClaimsSet.Builder claims)
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
    static JWTClaimsSet.Builder expiring()
    {
        return new JWTClaimsSet.Builder().expirationTime(new Date(System.currentTimeMillis() + 600_000));
    }

    static JWTClaimsSet.Builder claims(final String sub, final List<String> subscribe, final List<String> publish)
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

    static String sign(final JWSSigner signer, final JWSAlgorithm alg, final JWTClaimsSet claims)
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

    static MACSigner macSigner(final byte[] key)
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
}
