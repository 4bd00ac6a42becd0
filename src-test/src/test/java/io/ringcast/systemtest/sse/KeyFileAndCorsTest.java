package io.ringcast.systemtest.sse;

import io.ringcast.test.Tokens;
import io.ringcast.test.Await;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** RS256 tokens verified with a PEM key file (and HS256 forged with that public key refused); CORS headers. */
@Timeout(60)
class KeyFileAndCorsTest
{
    private static String token(final JWSAlgorithm alg, final com.nimbusds.jose.JWSSigner signer) throws Exception
    {
        final JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("rsa-user").claim("subscribe", List.of("k/*"))
            .claim("publish", List.of("k/*")).expirationTime(new Date(System.currentTimeMillis() + 600_000)).build();
        final SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    @Test
    void shouldAcceptRs256FromTheKeyFileAndRefuseHs256SignedWithThePublicKey() throws Exception
    {
        final KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        final KeyPair pair = generator.generateKeyPair();
        final String pem = "-----BEGIN PUBLIC KEY-----\n" +
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPublic().getEncoded()) +
            "\n-----END PUBLIC KEY-----\n";
        final Path keyFile = Files.createTempFile("ringcast-test-key", ".pem");
        Files.writeString(keyFile, pem);
        try (TestServer server = TestServer.start(c -> c.jwtKeyFile(keyFile)))
        {
            final Api api = server.api();
            final String rs256 = token(JWSAlgorithm.RS256, new RSASSASigner(pair.getPrivate()));
            try (SseStream stream = api.stream("/events?topic=k/1", "Authorization", "Bearer " + rs256))
            {
                assertEquals(200, stream.status());
                Await.until(java.time.Duration.ofSeconds(10), "registration",
                    () -> SlowClientTest.subscriptions(api) >= 1);
                final long id = api.publish("k/1", null, "1", null, "Authorization", "Bearer " + rs256);
                assertEquals(id, stream.awaitFrames(1, java.time.Duration.ofSeconds(10)).frames().get(0).numericId());
            }
            final String confused = token(JWSAlgorithm.HS256, new MACSigner(pem.getBytes(StandardCharsets.US_ASCII)));
            assertEquals(401, api.get("/events?topic=k/1", "Authorization", "Bearer " + confused).status(),
                "an HS256 token signed with the RSA public key (algorithm confusion) is refused");
            assertEquals(401, api.get("/events?topic=k/1", "Authorization", "Bearer " + Tokens.algNone("rsa-user"))
                .status());
        }
        finally
        {
            Files.deleteIfExists(keyFile);
        }
    }

    @Test
    void shouldAnswerCorsForAllowedOriginsWithCredentialsAndNotForOthers()
    {
        try (TestServer server = TestServer.start(c -> c.corsOrigins(List.of("http://app.example"))))
        {
            final Api api = server.api();
            final Api.Reply allowed = api.get("/healthz", "Origin", "http://app.example");
            assertEquals("http://app.example", allowed.header("Access-Control-Allow-Origin"), allowed.headers().toString());
            assertEquals("true", allowed.header("Access-Control-Allow-Credentials"));

            final Api.Reply preflight = api.method("OPTIONS", "/publish", "Origin", "http://app.example",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type,authorization");
            assertEquals(200, preflight.status(), preflight.toString());
            assertEquals("http://app.example", preflight.header("Access-Control-Allow-Origin"));

            final Api.Reply other = api.get("/healthz", "Origin", "http://evil.example");
            assertNull(other.header("Access-Control-Allow-Origin"), "no CORS grant for an unlisted origin");
        }
    }
}
