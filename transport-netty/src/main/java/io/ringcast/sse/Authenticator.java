package io.ringcast.sse;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;

/**
 * Verifies JWT bearer tokens with nimbus-jose-jwt and turns their claims into a {@link Principal}.
 *
 * <p>Only the algorithms of the configured key's family are accepted (HS256/384/512 for a secret, RS* and PS* for an
 * RSA key, ES* for an EC key), which refuses {@code alg: none} and algorithm confusion (an HMAC token signed with a
 * public key). The claims are checked by nimbus's {@link DefaultJWTClaimsVerifier}: {@code exp} is required unless
 * long-lived tokens are allowed ({@code --jwt-allow-no-exp}), {@code exp} and {@code nbf} are checked with
 * {@value #CLOCK_SKEW_SECONDS} s of leeway, {@code aud} must hold the configured audience and {@code iss} equal the
 * configured issuer when they are set. {@code sub} must be a JSON string (a number is refused, not converted).
 *
 * <p>The token is read from {@code Authorization: Bearer}, else the {@code access_token} query parameter, else the
 * {@code access_token} cookie (EventSource cannot set headers). Immutable and thread-safe.
 */
final class Authenticator
{
    static final String TOKEN_PARAMETER = "access_token";
    static final String TOKEN_COOKIE = "access_token";
    static final long CLOCK_SKEW_SECONDS = 30;

    private static final Set<JWSAlgorithm> HMAC = Set.of(JWSAlgorithm.HS256, JWSAlgorithm.HS384, JWSAlgorithm.HS512);
    private static final Set<JWSAlgorithm> RSA = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
        JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512);
    private static final Set<JWSAlgorithm> EC = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);

    private final JWSVerifier verifier;
    private final Set<JWSAlgorithm> algorithms;
    private final DefaultJWTClaimsVerifier<?> claimsVerifier;

    private Authenticator(final JWSVerifier verifier, final Set<JWSAlgorithm> algorithms)
    {
        this(verifier, algorithms, claimsVerifier(null, null, true));
    }

    private Authenticator(
        final JWSVerifier verifier, final Set<JWSAlgorithm> algorithms, final DefaultJWTClaimsVerifier<?> claims)
    {
        this.verifier = verifier;
        this.algorithms = algorithms;
        this.claimsVerifier = claims;
    }

    /** @return an authenticator for the config's secret or key file and claim rules, or {@code null} without auth. */
    static Authenticator of(final ServerConfig config)
    {
        final Authenticator keyed;
        if (config.jwtSecret() != null)
        {
            keyed = hmac(config.jwtSecret());
        }
        else if (config.jwtKeyFile() != null)
        {
            keyed = fromKeyFile(config.jwtKeyFile());
        }
        else
        {
            return null;
        }
        return keyed.claims(config.jwtAudience(), config.jwtIssuer(), !config.jwtAllowNoExp());
    }

    /**
     * @param audience   the audience a token's {@code aud} must hold, or {@code null} to accept any.
     * @param issuer     the {@code iss} a token must carry, or {@code null} to accept any.
     * @param requireExp refuse tokens without {@code exp} (the default).
     * @return an authenticator with the same key and these claim rules.
     */
    Authenticator claims(final String audience, final String issuer, final boolean requireExp)
    {
        return new Authenticator(verifier, algorithms, claimsVerifier(audience, issuer, requireExp));
    }

    private static DefaultJWTClaimsVerifier<?> claimsVerifier(
        final String audience, final String issuer, final boolean requireExp)
    {
        final JWTClaimsSet.Builder exact = new JWTClaimsSet.Builder();
        if (issuer != null)
        {
            exact.issuer(issuer);
        }
        final DefaultJWTClaimsVerifier<?> v = new DefaultJWTClaimsVerifier<>(
            audience == null ? null : Set.of(audience), exact.build(),
            requireExp ? Set.of("exp") : Set.of(), null);
        v.setMaxClockSkew((int)CLOCK_SKEW_SECONDS);
        return v;
    }

    static Authenticator hmac(final String secret)
    {
        try
        {
            return new Authenticator(new MACVerifier(secret.getBytes(StandardCharsets.UTF_8)), HMAC);
        }
        catch (final JOSEException e)
        {
            throw new IllegalArgumentException("JWT secret rejected: " + e.getMessage(), e);
        }
    }

    /**
     * @param file a PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo, RSA or EC), a JWK, or a JWK set holding one
     *             public key.
     */
    static Authenticator fromKeyFile(final Path file)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        catch (final IOException e)
        {
            throw new IllegalArgumentException("cannot read JWT key file " + file + ": " + e.getMessage(), e);
        }
        try
        {
            final PublicKey key = text.startsWith("{") ? fromJwk(text, file) : fromPem(text, file);
            if (key instanceof RSAPublicKey rsa)
            {
                return new Authenticator(new RSASSAVerifier(rsa), RSA);
            }
            if (key instanceof ECPublicKey ec)
            {
                return new Authenticator(new ECDSAVerifier(ec), EC);
            }
            throw new IllegalArgumentException("JWT key file " + file + " holds a " + key.getAlgorithm() +
                " key; RSA or EC public keys are accepted");
        }
        catch (final JOSEException | ParseException | java.security.GeneralSecurityException e)
        {
            throw new IllegalArgumentException("JWT key file " + file + " is not a usable public key: " +
                e.getMessage(), e);
        }
    }

    private static PublicKey fromJwk(final String text, final Path file) throws ParseException, JOSEException
    {
        final JWK jwk;
        if (text.contains("\"keys\""))
        {
            final List<JWK> keys = JWKSet.parse(text).getKeys();
            if (keys.size() != 1)
            {
                throw new IllegalArgumentException(
                    "JWT key file " + file + " holds " + keys.size() + " keys; exactly one is accepted");
            }
            jwk = keys.get(0);
        }
        else
        {
            jwk = JWK.parse(text);
        }
        if (jwk instanceof RSAKey rsa)
        {
            return rsa.toRSAPublicKey();
        }
        if (jwk instanceof ECKey ec)
        {
            return ec.toECPublicKey();
        }
        throw new IllegalArgumentException("JWT key file " + file + " holds a " + jwk.getKeyType() +
            " JWK; RSA or EC keys are accepted");
    }

    private static PublicKey fromPem(final String text, final Path file) throws java.security.GeneralSecurityException
    {
        if (!text.startsWith("-----BEGIN PUBLIC KEY-----"))
        {
            throw new IllegalArgumentException("JWT key file " + file +
                " must hold a PEM '-----BEGIN PUBLIC KEY-----' block or a JWK JSON object");
        }
        final String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        final X509EncodedKeySpec spec = new X509EncodedKeySpec(Base64.getDecoder().decode(base64));
        try
        {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        }
        catch (final java.security.spec.InvalidKeySpecException notRsa)
        {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }

    /**
     * @param headers the request headers.
     * @param target  the decoded request target.
     * @return the token, or {@code null} when the request carries none.
     */
    static String token(final HttpHeaders headers, final RequestTarget target)
    {
        final String authorization = headers.get(HttpHeaderNames.AUTHORIZATION);
        if (authorization != null)
        {
            if (authorization.regionMatches(true, 0, "Bearer ", 0, 7))
            {
                return authorization.substring(7).trim();
            }
            throw HttpError.unauthorized("the Authorization header must be 'Bearer <JWT>'");
        }
        final String parameter = target.first(TOKEN_PARAMETER);
        if (parameter != null)
        {
            return parameter;
        }
        final String cookieHeader = headers.get(HttpHeaderNames.COOKIE);
        if (cookieHeader != null)
        {
            for (final Cookie cookie : ServerCookieDecoder.LAX.decode(cookieHeader))
            {
                if (TOKEN_COOKIE.equals(cookie.name()))
                {
                    return cookie.value();
                }
            }
        }
        return null;
    }

    /**
     * @param token a compact JWS, or {@code null}.
     * @return the principal it grants.
     * @throws HttpError 401 naming why the token is refused.
     */
    Principal verify(final String token)
    {
        if (token == null || token.isEmpty())
        {
            throw HttpError.unauthorized("a JWT is required: send 'Authorization: Bearer <JWT>', the '" +
                TOKEN_PARAMETER + "' query parameter or the '" + TOKEN_COOKIE + "' cookie");
        }
        final SignedJWT jwt;
        try
        {
            jwt = SignedJWT.parse(token);
        }
        catch (final ParseException e)
        {
            throw HttpError.unauthorized("the token is not a signed JWT (unsigned 'alg: none' tokens are refused): " +
                e.getMessage());
        }
        final JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!algorithms.contains(alg))
        {
            throw HttpError.unauthorized("token algorithm " + alg + " is not accepted; this server accepts " +
                algorithms.stream().map(JWSAlgorithm::getName).sorted().toList());
        }
        try
        {
            if (!jwt.verify(verifier))
            {
                throw HttpError.unauthorized("token signature is invalid");
            }
        }
        catch (final JOSEException e)
        {
            throw HttpError.unauthorized("token signature cannot be verified: " + e.getMessage());
        }
        final JWTClaimsSet claims;
        try
        {
            claims = jwt.getJWTClaimsSet();
        }
        catch (final ParseException e)
        {
            throw HttpError.unauthorized("token claims are not a JSON object: " + e.getMessage());
        }
        try
        {
            claimsVerifier.verify(claims, null);
        }
        catch (final BadJWTException e)
        {
            throw HttpError.unauthorized("token refused: " + describe(e, claims));
        }
        final Date exp = claims.getExpirationTime();
        return new Principal(
            stringClaim(jwt, "sub"), patterns(claims, "subscribe"), patterns(claims, "publish"),
            patterns(claims, PUBLISH_PRIVATE), exp == null ? Long.MAX_VALUE : exp.getTime() + CLOCK_SKEW_SECONDS * 1000,
            patterns(claims, "consumers"));
    }

    /** Claim naming the topic patterns on which the bearer may address private events to any user. */
    static final String PUBLISH_PRIVATE = "publish_private";

    private static String describe(final BadJWTException e, final JWTClaimsSet claims)
    {
        final String message = e.getMessage();
        if (message != null && message.startsWith("Expired") && claims.getExpirationTime() != null)
        {
            return "the token expired at " + claims.getExpirationTime().toInstant() + "; get a fresh one";
        }
        if (message != null && message.contains("aud claim"))
        {
            return "the token's 'aud' claim does not hold this server's audience (--jwt-audience)";
        }
        if (message != null && message.contains("iss claim"))
        {
            return "the token's 'iss' claim is not this server's issuer (--jwt-issuer)";
        }
        if (message != null && message.contains("before use time") && claims.getNotBeforeTime() != null)
        {
            return "the token is not valid before " + claims.getNotBeforeTime().toInstant();
        }
        if (message != null && message.contains("missing required claims") && claims.getExpirationTime() == null)
        {
            return "the token has no 'exp' (expiry) claim; this server requires one";
        }
        return message;
    }

    /** Reads a claim from the payload as sent: nimbus would turn a numeric {@code sub} into a string. */
    private static String stringClaim(final SignedJWT jwt, final String name)
    {
        final Object value = jwt.getPayload().toJSONObject().get(name);
        if (value == null)
        {
            return null;
        }
        if (!(value instanceof String s) || s.isEmpty())
        {
            throw HttpError.unauthorized("token claim '" + name + "' must be a non-empty string");
        }
        return s;
    }

    private static List<String> patterns(final JWTClaimsSet claims, final String name)
    {
        final Object value = claims.getClaim(name);
        if (value == null)
        {
            return List.of();
        }
        final List<String> patterns = new ArrayList<>();
        if (value instanceof String s)
        {
            for (final String p : s.trim().split("\\s+"))
            {
                if (!p.isEmpty())
                {
                    patterns.add(p);
                }
            }
        }
        else if (value instanceof List<?> list)
        {
            for (final Object o : list)
            {
                if (!(o instanceof String s))
                {
                    throw HttpError.unauthorized("token claim '" + name + "' must hold strings");
                }
                patterns.add(s);
            }
        }
        else
        {
            throw HttpError.unauthorized(
                "token claim '" + name + "' must be an array of topic patterns or a space-separated string");
        }
        return List.copyOf(patterns);
    }
}
