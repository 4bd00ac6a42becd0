package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.ExternalTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped nginx configuration (conf/nginx-ringcast.conf of the distribution), run as written with only the
 * addresses and certificate paths replaced: curl speaks HTTP/2 over TLS to nginx, nginx HTTP/1.1 to the hub. Events
 * pass through unbuffered, publishes pass, and a reconnect with Last-Event-ID resumes through the proxy. nginx, curl
 * and openssl are installed with apt-get when missing.
 */
@Timeout(120)
class NginxProxyTest
{
    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private TestServer hub;

    @AfterEach
    void stop()
    {
        for (final Process p : processes)
        {
            // SIGTERM first: nginx's master then ends its worker, which outlives a killed master (and a master whose
            // worker is killed starts another)
            p.destroy();
        }
        for (final Process p : processes)
        {
            try
            {
                p.waitFor(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        if (hub != null)
        {
            hub.close();
        }
    }

    private Path nginxConfig(final int listenPort, final int hubPort) throws Exception
    {
        final Path shipped = Path.of(System.getProperty("ringcast.nginx.conf", "../server/src/dist/conf/nginx-ringcast.conf"));
        String site = Files.readString(shipped);
        site = replace(site, "server 127.0.0.1:8080;", "server 127.0.0.1:" + hubPort + ";");
        site = replace(site, "listen 443 ssl http2;", "listen 127.0.0.1:" + listenPort + " ssl http2;");
        site = replace(site, "/etc/ringcast/tls/fullchain.pem", dir.resolve("cert.pem").toString());
        site = replace(site, "/etc/ringcast/tls/privkey.pem", dir.resolve("key.pem").toString());
        Files.writeString(dir.resolve("ringcast.conf"), site);
        final Path main = dir.resolve("nginx.conf");
        Files.writeString(main, String.join("\n",
            "worker_processes 1;",
            "pid " + dir.resolve("nginx.pid") + ";",
            "error_log " + dir.resolve("error.log") + " warn;",
            "events { worker_connections 1024; }",
            "http {",
            "  access_log off;",
            "  client_body_temp_path " + dir.resolve("body") + ";",
            "  proxy_temp_path " + dir.resolve("proxy") + ";",
            "  include " + dir.resolve("ringcast.conf") + ";",
            "}", ""));
        return main;
    }

    private static String replace(final String text, final String what, final String with)
    {
        assertTrue(text.contains(what), "the shipped config holds '" + what + "'");
        return text.replace(what, with);
    }

    private Process curl(final Path curl, final Path out, final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of(curl.toString(), "-sSkN", "--http2", "--max-time", "60"));
        command.addAll(List.of(args));
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        processes.add(p);
        return p;
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

    @Test
    void shouldStreamPublishAndResumeThroughNginxWithHttp2ToTheClient() throws Exception
    {
        final Path nginx = ExternalTools.ensure("nginx", "nginx-light");
        final Path curl = ExternalTools.ensure("curl", "curl");
        ExternalTools.selfSignedCertificate(dir, "localhost");
        hub = TestServer.start();
        final int port = ShadedJarTest.freePort();
        final Path config = nginxConfig(port, hub.port());
        ExternalTools.run(List.of(nginx.toString(), "-t", "-c", config.toString()));
        final Path nginxLog = ShadedJarTest.logDir().resolve("nginx.log");
        processes.add(new ProcessBuilder(nginx.toString(), "-c", config.toString(), "-g", "daemon off;")
            .redirectErrorStream(true).redirectOutput(nginxLog.toFile()).start());
        Await.until(Duration.ofSeconds(30), "nginx to listen on " + port, () ->
        {
            try (Socket s = new Socket())
            {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            }
            catch (final java.io.IOException e)
            {
                return false;
            }
        });
        final String base = "https://127.0.0.1:" + port;

        final Path headers = dir.resolve("stream-headers.txt");
        final Path stream = dir.resolve("stream.txt");
        curl(curl, stream, "-D", headers.toString(), base + "/events?topic=proxy/t");
        Await.until(Duration.ofSeconds(30), "the stream through nginx to open", () -> read(stream).contains("retry:"));
        assertTrue(read(headers).startsWith("HTTP/2 200"), "HTTP/2 from nginx to the client: " + read(headers));

        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            final String reply = ExternalTools.run(List.of(curl.toString(), "-sSk", "--http2", "-w", " %{http_version} %{http_code}",
                "-H", "Content-Type: application/json", "-d", "{\"topic\":\"proxy/t\",\"data\":" + i + "}",
                base + "/publish"));
            assertTrue(reply.endsWith(" 2 202"), "publish through nginx: " + reply);
            ids.add(Api.jsonField(reply.substring(0, reply.lastIndexOf(" 2 202")), "id"));
        }
        Await.until(Duration.ofSeconds(10), "the three events through nginx, unbuffered",
            () -> read(stream).contains("id: " + ids.get(2)), () -> read(stream));

        final Path resumed = dir.resolve("resumed.txt");
        curl(curl, resumed, "-H", "Last-Event-ID: " + ids.get(0), base + "/events?topic=proxy/t");
        Await.until(Duration.ofSeconds(10), "the resume after the first id", () -> read(resumed).contains("id: " +
            ids.get(2)), () -> read(resumed));
        final String replay = read(resumed);
        assertTrue(!replay.contains("id: " + ids.get(0) + "\n") && replay.contains("id: " + ids.get(1)),
            "the events after Last-Event-ID, not the one before: " + replay);
        assertEquals(2, (int)Api.metric(hub.api().get("/metrics").body(), "ringcast_streams_open"),
            "both streams reached the hub through nginx");
    }
}
