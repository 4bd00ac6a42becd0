package io.ringcast.sse;

import io.ringcast.test.ExternalTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client over the connection limit reads a refusal it understands over TLS too: the refusal is written behind the
 * TLS handshake, as HTTP/1.1 (503 JSON, or the event-stream form) or, on an HTTP/2 connection, as a server preface
 * and a GOAWAY. Needs openssl (installed with apt-get when missing) for the self-signed certificate.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLimitOverTlsTest
{
    private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};

    private final List<Socket> sockets = new ArrayList<>();
    private RingcastServer server;
    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception
    {
        for (final Socket s : sockets)
        {
            s.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    private void start(final boolean tls) throws Exception
    {
        final ServerConfig config = new ServerConfig().bindAddress("127.0.0.1").port(0).ioThreads(1).maxConnections(1);
        if (tls)
        {
            ExternalTools.selfSignedCertificate(dir, "ringcast-test-limit");
            config.tlsCert(dir.resolve("cert.pem")).tlsKey(dir.resolve("key.pem"));
        }
        server = RingcastServer.start(config);
    }

    private Socket connect(final boolean tls, final String alpn) throws Exception
    {
        final Socket socket;
        if (tls)
        {
            final SSLSocket ssl = (SSLSocket)ExternalTools.trustingAllCertificates().getSocketFactory().createSocket("127.0.0.1", server.port());
            final SSLParameters parameters = ssl.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {alpn});
            ssl.setSSLParameters(parameters);
            ssl.startHandshake();
            assertEquals(alpn, ssl.getApplicationProtocol());
            socket = ssl;
        }
        else
        {
            socket = new Socket("127.0.0.1", server.port());
        }
        socket.setSoTimeout(10_000);
        sockets.add(socket);
        return socket;
    }

    /** Opens a stream and reads its head, so the one connection allowed is in use. */
    private void holdTheOnlyConnection(final boolean tls) throws Exception
    {
        final Socket socket = connect(tls, "http/1.1");
        socket.getOutputStream().write(request("/events?topic=t", "text/event-stream"));
        final InputStream in = socket.getInputStream();
        final StringBuilder head = new StringBuilder();
        while (head.indexOf("retry:") < 0)
        {
            final int b = in.read();
            assertTrue(b >= 0, "the held stream ended: " + head);
            head.append((char)b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
    }

    private static byte[] request(final String target, final String accept)
    {
        return ("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: " + accept + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    /** @return all the server wrote before it closed the connection. */
    private static String exchange(final Socket socket, final byte[] request) throws Exception
    {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        socket.getInputStream().transferTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void shouldAnswer503OverTlsBeyondTheConnectionLimit() throws Exception
    {
        start(true);
        holdTheOnlyConnection(true);
        final String refused = exchange(connect(true, "http/1.1"), request("/healthz", "*/*"));
        assertTrue(refused.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), refused);
        assertTrue(refused.contains("\r\nRetry-After: 1\r\n"), refused);
        assertTrue(refused.endsWith("\r\n\r\n{\"error\":\"too_many_connections\",\"detail\":\"the server's connection " +
            "limit is reached\"}"), refused);
    }

    @Test
    void shouldAnswerTheEventStreamRefusalOverTlsBeyondTheConnectionLimit() throws Exception
    {
        start(true);
        holdTheOnlyConnection(true);
        final String refused = exchange(connect(true, "http/1.1"), request("/events?topic=t", "text/event-stream"));
        assertTrue(refused.startsWith("HTTP/1.1 200 OK\r\n"), refused);
        assertTrue(refused.contains("\r\nContent-Type: text/event-stream; charset=utf-8\r\n"), refused);
        assertTrue(refused.endsWith("\r\n\r\nretry: 2000\n\nevent: error\ndata: {\"error\":\"too_many_connections\"," +
            "\"detail\":\"the server's connection limit is reached\"}\n\n"), refused);
    }

    @Test
    void shouldSendGoAwayToAnHttp2ConnectionByAlpnBeyondTheConnectionLimit() throws Exception
    {
        start(true);
        holdTheOnlyConnection(true);
        assertGoAway(connect(true, "h2"));
    }

    @Test
    void shouldSendGoAwayToAPriorKnowledgeHttp2ConnectionBeyondTheConnectionLimit() throws Exception
    {
        start(false);
        holdTheOnlyConnection(false);
        assertGoAway(connect(false, null));
    }

    /** The server preface (an empty SETTINGS), then GOAWAY: no stream processed, ENHANCE_YOUR_CALM, the reason. */
    private static void assertGoAway(final Socket socket) throws Exception
    {
        socket.getOutputStream().write(HTTP2_PREFACE);
        socket.getOutputStream().write(EMPTY_SETTINGS);
        socket.getOutputStream().flush();
        final DataInputStream in = new DataInputStream(socket.getInputStream());
        final byte[] settings = new byte[9];
        in.readFully(settings);
        assertArrayEquals(EMPTY_SETTINGS, settings);
        final int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
        assertEquals(0x7, in.readUnsignedByte(), "frame type GOAWAY");
        assertEquals(0, in.readUnsignedByte(), "flags");
        assertEquals(0, in.readInt(), "stream 0");
        assertEquals(0, in.readInt(), "last stream id: none processed");
        assertEquals(0xb, in.readInt(), "ENHANCE_YOUR_CALM");
        final byte[] debug = new byte[length - 8];
        in.readFully(debug);
        assertEquals("too_many_connections: the server's connection limit is reached",
            new String(debug, StandardCharsets.US_ASCII));
        assertEquals(-1, in.read(), "the connection closes after the GOAWAY");
    }
}
