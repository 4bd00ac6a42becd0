package io.ringcast.sse;

import io.netty.channel.epoll.Epoll;
import io.ringcast.test.Await;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IoTransportTest
{
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldRunOnEpollByDefaultOnLinuxX86AndOnNioElsewhere() throws Exception
    {
        final boolean linuxX86 = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux") &&
            System.getProperty("os.arch").matches("amd64|x86_64");
        assertEquals(linuxX86, Epoll.isAvailable(), () -> "epoll's native library: " + Epoll.unavailabilityCause());
        try (RingcastServer server = RingcastServer.start(new ServerConfig().bindAddress("127.0.0.1").port(0)))
        {
            assertEquals(linuxX86 ? IoTransport.EPOLL : IoTransport.NIO, server.transport());
            assertDelivers(server);
        }
    }

    @Test
    void shouldRunOnNioWhenTheNativeTransportIsOff() throws Exception
    {
        try (RingcastServer server = RingcastServer.start(
            new ServerConfig().bindAddress("127.0.0.1").port(0).nativeTransport(false)))
        {
            assertEquals(IoTransport.NIO, server.transport());
            assertEquals("nio (native transport off)", server.transport().describe(false));
            assertDelivers(server);
        }
    }

    private void assertDelivers(final RingcastServer server) throws Exception
    {
        final String base = "http://127.0.0.1:" + server.port();
        try (SseStream events = SseStream.open(client, URI.create(base + "/events?topic=t")))
        {
            assertEquals(200, events.status());
            Await.until(Duration.ofSeconds(10), "a registered subscription",
                () -> server.engine().metrics().activeSubscriptions() >= 1);
            final HttpResponse<String> published = client.send(HttpRequest.newBuilder(URI.create(base + "/publish"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"t\",\"data\":\"over the socket\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(202, published.statusCode(), published.body());
            assertEquals("\"over the socket\"", events.nextEvent().data());
        }
    }
}
