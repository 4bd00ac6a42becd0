package io.ringcast.server;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.SignedJWT;
import io.ringcast.sse.RingcastServer;
import io.ringcast.sse.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenMinterTest
{
    private static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldMintAnHs256TokenWithTheClaimsTheServerReads() throws Exception
    {
        final Instant now = Instant.parse("2026-01-01T00:00:00Z");
        final String token = TokenMinter.mint(new ServerConfig().jwtSecret(SECRET),
            new TokenRequest("alice", List.of("orders/*"), List.of("orders/eu"), Duration.ofMinutes(15), null), now);
        final SignedJWT jwt = SignedJWT.parse(token);
        assertTrue(jwt.verify(new MACVerifier(SECRET.getBytes(StandardCharsets.UTF_8))));
        assertEquals("HS256", jwt.getHeader().getAlgorithm().getName());
        assertEquals("alice", jwt.getJWTClaimsSet().getSubject());
        assertEquals(List.of("orders/*"), jwt.getJWTClaimsSet().getStringListClaim("subscribe"));
        assertEquals(List.of("orders/eu"), jwt.getJWTClaimsSet().getStringListClaim("publish"));
        assertEquals(now.plusSeconds(900), jwt.getJWTClaimsSet().getExpirationTime().toInstant());
    }

    @Test
    void shouldMintATokenALiveServerWithTheSameSecretAccepts() throws Exception
    {
        final CommandLine.Request request = CommandLine.read(
            new String[] {"token", "--sub", "alice", "--subscribe", "orders/*", "--publish", "orders/eu"},
            Map.of("RINGCAST_JWT_SECRET", SECRET));
        assertEquals(CommandLine.Action.TOKEN, request.action());
        final String token = TokenMinter.mint(request.config(), request.token(), Instant.now());
        try (RingcastServer server = RingcastServer.start(new ServerConfig().port(0).ioThreads(1).jwtSecret(SECRET)))
        {
            assertEquals(200, subscribe(server, "orders/us", token));
            assertEquals(403, subscribe(server, "payments/x", token));
            assertEquals(202, publish(server, "orders/eu", token));
            assertEquals(403, publish(server, "orders/us", token));
            final String foreign = TokenMinter.mint(new ServerConfig().jwtSecret(SECRET + "-other"), request.token(),
                Instant.now());
            assertEquals(401, subscribe(server, "orders/us", foreign));
        }
    }

    @Test
    void shouldCarryTheAudienceAndIssuerTheServerRequires() throws Exception
    {
        final CommandLine.Request request = CommandLine.read(
            new String[] {"--jwt-audience", "hub", "--jwt-issuer", "https://issuer.example", "token", "--subscribe",
                "orders/*"}, Map.of("RINGCAST_JWT_SECRET", SECRET));
        final String token = TokenMinter.mint(request.config(), request.token(), Instant.now());
        assertEquals(List.of("hub"), SignedJWT.parse(token).getJWTClaimsSet().getAudience());
        try (RingcastServer server = RingcastServer.start(new ServerConfig().port(0).ioThreads(1).jwtSecret(SECRET)
            .jwtAudience("hub").jwtIssuer("https://issuer.example")))
        {
            assertEquals(200, subscribe(server, "orders/eu", token));
            final String withoutAudience = TokenMinter.mint(new ServerConfig().jwtSecret(SECRET), request.token(),
                Instant.now());
            assertEquals(401, subscribe(server, "orders/eu", withoutAudience));
        }
    }

    @Test
    void shouldSignWithThePrivateKeyOfAServerThatVerifiesWithAPublicKey(@TempDir final Path dir) throws Exception
    {
        for (final String algorithm : List.of("RSA", "EC"))
        {
            final KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC"))
            {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            else
            {
                generator.initialize(2048);
            }
            final KeyPair pair = generator.generateKeyPair();
            final Path publicKey = pem(dir.resolve(algorithm + "-public.pem"), "PUBLIC KEY", pair.getPublic().getEncoded());
            final Path privateKey = pem(dir.resolve(algorithm + "-private.pem"), "PRIVATE KEY",
                pair.getPrivate().getEncoded());
            final ServerConfig config = new ServerConfig().port(0).ioThreads(1).jwtKeyFile(publicKey);
            final String token = TokenMinter.mint(config,
                new TokenRequest(null, List.of("orders/*"), List.of(), Duration.ofHours(1), privateKey), Instant.now());
            assertEquals(algorithm.equals("EC") ? "ES256" : "RS256",
                SignedJWT.parse(token).getHeader().getAlgorithm().getName());
            try (RingcastServer server = RingcastServer.start(config))
            {
                assertEquals(200, subscribe(server, "orders/eu", token), algorithm);
            }
            if (algorithm.equals("EC"))
            {
                final Path jwk = dir.resolve("ec-private.jwk");
                Files.writeString(jwk, new ECKey.Builder(Curve.P_256, (ECPublicKey)pair.getPublic())
                    .privateKey((ECPrivateKey)pair.getPrivate()).build().toJSONString());
                final String fromJwk = TokenMinter.mint(config,
                    new TokenRequest(null, List.of("orders/*"), List.of(), Duration.ofHours(1), jwk), Instant.now());
                try (RingcastServer server = RingcastServer.start(config))
                {
                    assertEquals(200, subscribe(server, "orders/eu", fromJwk), "EC JWK");
                }
            }
        }
    }

    @Test
    void shouldSayWhatIsMissingWhenNoKeyCanSign(@TempDir final Path dir) throws Exception
    {
        final TokenRequest request = new TokenRequest("a", List.of("t"), List.of(), Duration.ofHours(1), null);
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> TokenMinter.mint(new ServerConfig(), request, Instant.now())).getMessage()
            .contains("no key is configured; set --jwt-secret"));
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> TokenMinter.mint(new ServerConfig().jwtSecret("short"), request, Instant.now())).getMessage()
            .contains("at least 32 bytes"));
        final Path publicKey = dir.resolve("public.pem");
        Files.writeString(publicKey, "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n");
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> TokenMinter.mint(new ServerConfig().jwtKeyFile(publicKey), request, Instant.now())).getMessage()
            .contains("give the matching private key with --private-key"));
        final Path traditional = dir.resolve("rsa.pem");
        Files.writeString(traditional, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> TokenMinter.mint(new ServerConfig().jwtKeyFile(publicKey),
                new TokenRequest("a", List.of("t"), List.of(), Duration.ofHours(1), traditional), Instant.now()))
            .getMessage().contains("openssl pkcs8 -topk8"));
    }

    private static Path pem(final Path file, final String type, final byte[] der) throws Exception
    {
        Files.writeString(file, "-----BEGIN " + type + "-----\n" +
            Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + type + "-----\n");
        return file;
    }

    private static int subscribe(final RingcastServer server, final String topic, final String token) throws Exception
    {
        final HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/events?topic=" + topic))
            .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
        response.body().close();
        return response.statusCode();
    }

    private static int publish(final RingcastServer server, final String topic, final String token) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/publish"))
            .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"" + topic + "\",\"data\":1}")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
