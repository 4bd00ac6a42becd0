package io.ringcast.sse;

import io.ringcast.test.Await;
import io.ringcast.test.ExternalTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 against the live server with curl (nghttp2): over TLS by ALPN ({@code curl --http2}), in clear text by prior
 * knowledge ({@code --http2-prior-knowledge}); SSE streams are HTTP/2 streams and {@code /publish} works over both;
 * HTTP/1.1 still works on the same ports; a renewed certificate is served without a restart. Needs curl and openssl
 * (installed with apt-get when missing).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2Test
{
    private static Path curl;
    private final List<Process> processes = new ArrayList<>();
    private RingcastServer server;
    @TempDir
    Path dir;

    @BeforeAll
    static void tools() throws Exception
    {
        curl = ExternalTools.ensure("curl", "curl");
        final String version = ExternalTools.run(List.of(curl.toString(), "-V"));
        assertTrue(version.contains("HTTP2"), "this test needs a curl built with HTTP/2 (nghttp2): " + version);
    }

    @AfterEach
    void stop()
    {
        processes.forEach(Process::destroyForcibly);
        if (server != null)
        {
            server.close();
        }
    }

    private RingcastServer start(final boolean tls) throws Exception
    {
        final ServerConfig config = new ServerConfig().bindAddress("127.0.0.1").port(0).ioThreads(1);
        if (tls)
        {
            ExternalTools.selfSignedCertificate(dir, "ringcast-test-1");
            config.tlsCert(dir.resolve("cert.pem")).tlsKey(dir.resolve("key.pem"));
        }
        server = RingcastServer.start(config);
        return server;
    }

    private String base(final boolean tls)
    {
        return (tls ? "https" : "http") + "://127.0.0.1:" + server.port();
    }

    /** curl's options for a version: --http2 over TLS (ALPN), --http2-prior-knowledge in clear text, or --http1.1. */
    private static List<String> version(final boolean tls, final boolean http2)
    {
        return http2 ? List.of(tls ? "--http2" : "--http2-prior-knowledge") : List.of("--http1.1");
    }

    private Path openStream(final boolean tls, final boolean http2, final String topic) throws Exception
    {
        final Path out = Files.createTempFile(dir, "stream", ".txt");
        final List<String> command = new ArrayList<>(List.of(curl.toString(), "-sSkN", "--max-time", "60"));
        command.addAll(version(tls, http2));
        command.add(base(tls) + "/events?topic=" + topic);
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start());
        Await.until(Duration.ofSeconds(30), "the stream to open: " + out, () -> read(out).startsWith("retry:"));
        return out;
    }

    /** @return curl's "<http version> <status>" line after the body. */
    private String publish(final boolean tls, final boolean http2, final String topic, final String data)
        throws Exception
    {
        final List<String> command = new ArrayList<>(List.of(curl.toString(), "-sSk", "-w", "\\n%{http_version} %{http_code}",
            "-H", "Content-Type: application/json", "-d", "{\"topic\":\"" + topic + "\",\"data\":" + data + "}"));
        command.addAll(version(tls, http2));
        command.add(base(tls) + "/publish");
        final String out = ExternalTools.run(command);
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final java.io.IOException e)
        {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void roundTrip(final boolean tls, final boolean http2) throws Exception
    {
        final String topic = (tls ? "tls" : "clear") + "-" + (http2 ? "h2" : "h1");
        final Path stream = openStream(tls, http2, topic);
        assertEquals((http2 ? "2" : "1.1") + " 202", publish(tls, http2, topic, "{\"n\":1}"));
        Await.until(Duration.ofSeconds(30), topic + " event in the stream", () -> read(stream).contains("data: {\"n\":1}"));
    }

    @Test
    void shouldServeStreamsAndPublishesOverHttp2ByAlpnAndHttp11OnTheTlsPort() throws Exception
    {
        start(true);
        roundTrip(true, true);
        roundTrip(true, false);
        final String metrics = ExternalTools.run(List.of(curl.toString(), "-sSk", "--http2", base(true) + "/metrics"));
        assertTrue(metrics.contains("ringcast_http2_connections_total 3"), "two h2 connections, this one the third:\n" +
            metrics.lines().filter(l -> l.contains("http2")).toList());
    }

    @Test
    void shouldServeHttp2WithPriorKnowledgeAndHttp11OnTheClearTextPort() throws Exception
    {
        start(false);
        roundTrip(false, true);
        roundTrip(false, false);
    }

    @Test
    void shouldHoldManyStreamsOnOneHttp2Connection() throws Exception
    {
        start(true);
        // one curl process, one connection, 20 parallel streams (--parallel multiplexes them over HTTP/2; curl 7.88
        // does so over TLS only: with --http2-prior-knowledge its second transfer fails before it is sent)
        final Path out = Files.createTempFile(dir, "parallel", ".txt");
        final List<String> command = new ArrayList<>(List.of(curl.toString(), "-sSkN", "--http2",
            "--parallel", "--parallel-max", "50", "--max-time", "60"));
        for (int i = 0; i < 20; i++)
        {
            command.add(base(true) + "/events?topic=many/" + i);
        }
        processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start());
        Await.until(Duration.ofSeconds(30), "20 streams open", () -> read(out).split("retry:", -1).length - 1 == 20);
        for (int i = 0; i < 20; i++)
        {
            assertEquals("2 202", publish(true, true, "many/" + i, Integer.toString(1000 + i)));
        }
        Await.until(Duration.ofSeconds(30), "20 events, one per stream", () -> read(out).split("data: 10", -1).length - 1 == 20);
        final String metrics = ExternalTools.run(List.of(curl.toString(), "-sSk", base(true) + "/metrics"));
        assertTrue(metrics.contains("ringcast_http2_connections_total 22"), "one connection for the 20 streams, one " +
            "per publish and this one: " + metrics.lines().filter(l -> l.contains("http2")).toList());
        assertTrue(metrics.contains("ringcast_streams_open 20"), "20 streams open");
    }

    @Test
    void shouldServeARenewedCertificateWithoutARestart() throws Exception
    {
        start(true);
        assertEquals("CN=ringcast-test-1", peerSubject());
        ExternalTools.selfSignedCertificate(dir, "ringcast-test-2");
        // a renewal within the same second must still be seen as a change
        final FileTime later = FileTime.from(Instant.now().plusSeconds(2));
        Files.setLastModifiedTime(dir.resolve("cert.pem"), later);
        Files.setLastModifiedTime(dir.resolve("key.pem"), later);
        Await.until(Duration.ofSeconds(30), "new connections to get the renewed certificate", () -> "CN=ringcast-test-2".equals(peerSubject()));
        roundTrip(true, true);
    }

    private String peerSubject()
    {
        try
        {
            final SSLContext context = ExternalTools.trustingAllCertificates();
            try (SSLSocket socket = (SSLSocket)context.getSocketFactory().createSocket("127.0.0.1", server.port()))
            {
                socket.setSoTimeout(5_000);
                socket.startHandshake();
                return ((X509Certificate)socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal()
                    .getName();
            }
        }
        catch (final Exception e)
        {
            throw new AssertionError("TLS handshake with the server failed", e);
        }
    }
}
