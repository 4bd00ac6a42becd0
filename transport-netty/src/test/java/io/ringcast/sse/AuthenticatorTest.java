package io.ringcast.sse;

import io.ringcast.test.Tokens;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthenticatorTest
{
    private final Authenticator hmac = Authenticator.hmac(Tokens.SECRET);

    private static String refusal(final Authenticator authenticator, final String token)
    {
        final HttpError e = assertThrows(HttpError.class, () -> authenticator.verify(token));
        assertEquals(HttpResponseStatus.UNAUTHORIZED, e.status);
        return e.detail();
    }

    @Test
    void shouldGrantTheClaimsOfAValidHs256Token()
    {
        final Principal p = hmac.verify(Tokens.hs256("alice", List.of("orders/*"), List.of("orders/eu")));
        assertEquals("alice", p.user());
        assertTrue(p.maySubscribe("orders/eu"));
        assertTrue(p.maySubscribe("orders/*"));
        assertFalse(p.maySubscribe("*"));
        assertFalse(p.maySubscribe("billing"));
        assertTrue(p.mayPublish("orders/eu"));
        assertFalse(p.mayPublish("orders/us"));
    }

    @Test
    void shouldAcceptSpaceSeparatedPatternsAndMissingClaims()
    {
        final String token = Tokens.sign(Tokens.macSigner(Tokens.SECRET.getBytes(StandardCharsets.UTF_8)),
            JWSAlgorithm.HS256, Tokens.expiring().claim("subscribe", "a b/*").build());
        final Principal p = hmac.verify(token);
        assertNull(p.user());
        assertTrue(p.maySubscribe("a"));
        assertTrue(p.maySubscribe("b/c"));
        assertFalse(p.mayPublish("a"));
    }

    @Test
    void shouldRefuseAMissingOrGarbledToken()
    {
        assertTrue(refusal(hmac, null).contains("a JWT is required"));
        assertTrue(refusal(hmac, "not-a-jwt").contains("not a signed JWT"));
    }

    @Test
    void shouldRefuseAlgNone()
    {
        final String token = new PlainJWT(Tokens.expiring().subject("mallory").claim("publish", "*").build())
            .serialize();
        assertTrue(refusal(hmac, token).contains("alg: none"), refusal(hmac, token));
    }

    @Test
    void shouldRefuseABadSignature()
    {
        final String token = Tokens.sign(Tokens.macSigner("another-secret-another-secret-another".getBytes()),
            JWSAlgorithm.HS256, Tokens.expiring().subject("mallory").build());
        assertTrue(refusal(hmac, token).contains("signature is invalid"));
    }

    @Test
    void shouldRefuseExpiredAndNotYetValidTokens()
    {
        final MACSigner signer = Tokens.macSigner(Tokens.SECRET.getBytes(StandardCharsets.UTF_8));
        final long now = System.currentTimeMillis();
        final String expired = Tokens.sign(signer, JWSAlgorithm.HS256,
            Tokens.expiring().subject("a").expirationTime(new Date(now - 120_000)).build());
        assertTrue(refusal(hmac, expired).contains("expired"));
        final String early = Tokens.sign(signer, JWSAlgorithm.HS256,
            Tokens.expiring().subject("a").notBeforeTime(new Date(now + 120_000)).build());
        assertTrue(refusal(hmac, early).contains("not valid before"));
    }

    @Test
    void shouldVerifyRs256FromAPemKeyFileAndRefuseAlgorithmConfusion(@TempDir final Path dir) throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        final KeyPair pair = generator.generateKeyPair();
        final byte[] publicKey = pair.getPublic().getEncoded();
        final String pem = "-----BEGIN PUBLIC KEY-----\n" +
            Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(publicKey) + "\n-----END PUBLIC KEY-----\n";
        final Path file = dir.resolve("key.pem");
        Files.writeString(file, pem);
        final Authenticator rsa = Authenticator.fromKeyFile(file);

        final String good = Tokens.sign(new RSASSASigner(pair.getPrivate()), JWSAlgorithm.RS256,
            Tokens.expiring().subject("bob").claim("subscribe", List.of("*")).build());
        assertEquals("bob", rsa.verify(good).user());

        // The classic confusion attack: an HS256 token whose HMAC key is the server's public key.
        final String confused = Tokens.sign(Tokens.macSigner(pem.getBytes(StandardCharsets.US_ASCII)),
            JWSAlgorithm.HS256, Tokens.expiring().subject("mallory").build());
        assertTrue(refusal(rsa, confused).contains("HS256 is not accepted"));
        assertTrue(refusal(hmac, good).contains("RS256 is not accepted"));
    }

    @Test
    void shouldVerifyEs256FromAJwkFile(@TempDir final Path dir) throws Exception
    {
        final ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        final Path file = dir.resolve("key.jwk");
        Files.writeString(file, key.toPublicJWK().toJSONString());
        final Authenticator ec = Authenticator.fromKeyFile(file);
        final String token = Tokens.sign(new ECDSASigner(key), JWSAlgorithm.ES256,
            Tokens.expiring().subject("carol").build());
        assertEquals("carol", ec.verify(token).user());
    }

    @Test
    void shouldRefuseAKeyFileThatIsNotAPublicKey(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("junk.pem");
        Files.writeString(file, "hello");
        final IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> Authenticator.fromKeyFile(file));
        assertTrue(e.getMessage().contains("BEGIN PUBLIC KEY"), e.getMessage());
    }

    @Test
    void shouldReadTheTokenFromHeaderThenQueryThenCookie()
    {
        final HttpHeaders headers = new DefaultHttpHeaders();
        final RequestTarget withQuery = RequestTarget.parse("/events?topic=a&access_token=q");
        final RequestTarget plain = RequestTarget.parse("/events?topic=a");
        headers.set("Cookie", "theme=dark; access_token=c");
        assertEquals("q", Authenticator.token(headers, withQuery));
        assertEquals("c", Authenticator.token(headers, plain));
        headers.set("Authorization", "Bearer h");
        assertEquals("h", Authenticator.token(headers, withQuery));
        headers.set("Authorization", "Basic xyz");
        assertThrows(HttpError.class, () -> Authenticator.token(headers, plain));
        assertNull(Authenticator.token(new DefaultHttpHeaders(), plain));
    }

    @Test
    void shouldCoverPatternsOnlyWhenEveryMatchingTopicIsGranted()
    {
        assertTrue(Principal.covers(List.of("*"), "anything/*"));
        assertTrue(Principal.covers(List.of("a/*"), "a/b/*"));
        assertFalse(Principal.covers(List.of("a/b/*"), "a/*"));
        assertFalse(Principal.covers(List.of("a"), "a*"));
        assertTrue(Principal.covers(List.of("a"), "a"));
        assertFalse(Principal.covers(List.of(), "a"));
    }
}
