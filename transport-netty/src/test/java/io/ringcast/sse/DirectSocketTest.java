package io.ringcast.sse;

import io.netty.channel.embedded.EmbeddedChannel;
import io.ringcast.engine.Message;
import io.ringcast.test.Await;
import io.ringcast.test.ExternalTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batches written straight to the socket ({@link DirectSocket}): a client that reads slowly makes the socket take
 * batches in part, and the rest queued through the pipeline must keep every byte of the chunked body in order; a TLS
 * connection never takes the direct path.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DirectSocketTest
{
    private static final int EVENTS = 300;
    private static final int EVENT_BYTES = 20_000;

    @TempDir
    Path dir;

    private RingcastServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() throws IOException
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

    @Test
    void shouldKeepEveryByteInOrderWhenTheSocketTakesBatchesInPart() throws Exception
    {
        server = RingcastServer.start(new ServerConfig().bindAddress("127.0.0.1").port(0).ioThreads(1)
            .streamBufferBytes(32 * 1024 * 1024).pendingBytesBudget(64L * 1024 * 1024));
        assertEquals(IoTransport.EPOLL, server.transport(), "the direct path needs the epoll transport");
        final Socket client = new Socket();
        client.setReceiveBufferSize(8192);
        client.connect(new InetSocketAddress("127.0.0.1", server.port()));
        sockets.add(client);
        final InputStream in = request(client, "/events?topic=big");
        Await.until(Duration.ofSeconds(30), "the stream registered",
            () -> server.engine().metrics().activeSubscriptions() == 1);
        readHead(in);

        // 6 MB published at once to a client with an 8 KiB receive buffer: the socket's buffers fill, batches go out
        // in part and the rest waits in Netty's outbound buffer
        for (int i = 0; i < EVENTS; i++)
        {
            assertTrue(server.engine().tryPublish(Message.of("big", payload(i))) >= 0, "published " + i);
        }
        final SseBody body = new SseBody(in);
        for (int i = 0; i < EVENTS; i++)
        {
            assertEquals(new String(payload(i), StandardCharsets.US_ASCII), body.nextData(),
                "event " + i + " arrives whole, after the one before it");
        }
        final ServerMetrics metrics = server.context().metrics;
        assertTrue(metrics.directWrites.sum() > 0, "batches were written straight to the socket");
        assertTrue(metrics.directWritesPartial.sum() > 0, "the socket took some of them in part");
        Await.until(Duration.ofSeconds(10), "unwritten bytes accounted back to 0",
            () -> metrics.pendingBytes.get() == 0);
    }

    @Test
    void shouldWriteThroughThePipelineOverTls() throws Exception
    {
        ExternalTools.selfSignedCertificate(dir, "ringcast-test-direct");
        server = RingcastServer.start(new ServerConfig().bindAddress("127.0.0.1").port(0).ioThreads(1)
            .tlsCert(dir.resolve("cert.pem")).tlsKey(dir.resolve("key.pem")));
        final SSLSocket ssl = (SSLSocket)ExternalTools.trustingAllCertificates().getSocketFactory()
            .createSocket("127.0.0.1", server.port());
        sockets.add(ssl);
        final SSLParameters parameters = ssl.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"http/1.1"});
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        final InputStream in = request(ssl, "/events?topic=t");
        Await.until(Duration.ofSeconds(30), "the stream registered",
            () -> server.engine().metrics().activeSubscriptions() == 1);
        readHead(in);
        final SseBody body = new SseBody(in);
        for (int i = 0; i < 20; i++)
        {
            server.engine().tryPublish(Message.of("t", ("e" + i).getBytes(StandardCharsets.US_ASCII)));
            assertEquals("e" + i, body.nextData());
        }
        assertEquals(0, server.context().metrics.directWrites.sum(), "TLS encrypts in the pipeline: no direct write");
    }

    @Test
    void shouldHaveNoDirectPathOutsideEpoll()
    {
        final EmbeddedChannel channel = new EmbeddedChannel(new io.netty.channel.ChannelOutboundHandlerAdapter());
        assertNull(DirectSocket.of(channel.pipeline().firstContext()));
        channel.finishAndReleaseAll();
    }

    private static byte[] payload(final int i)
    {
        final byte[] bytes = new byte[EVENT_BYTES];
        java.util.Arrays.fill(bytes, (byte)('a' + i % 26));
        final byte[] label = ("event-" + i + ":").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(label, 0, bytes, 0, label.length);
        return bytes;
    }

    private static InputStream request(final Socket socket, final String path) throws IOException
    {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        socket.setSoTimeout(30_000);
        return new java.io.BufferedInputStream(socket.getInputStream(), 8192);
    }

    /** Reads the response head up to its blank line and checks that the body is chunked. */
    private static void readHead(final InputStream in) throws IOException
    {
        final StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n"))
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("the connection ended in the response head: " + head);
            }
            head.append((char)b);
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
        assertTrue(head.toString().toLowerCase().contains("transfer-encoding: chunked"), head.toString());
    }

    /** A strict reader of a chunked SSE body: every chunk's size line and CRLF are checked as it goes. */
    private static final class SseBody
    {
        private final InputStream in;
        private int chunkLeft;

        SseBody(final InputStream in)
        {
            this.in = in;
        }

        /** @return the data of the next frame that has an id (comments and the retry frame are skipped). */
        String nextData() throws IOException
        {
            while (true)
            {
                final List<String> lines = new ArrayList<>();
                String line;
                while (!(line = line()).isEmpty())
                {
                    lines.add(line);
                }
                if (!lines.isEmpty() && lines.get(0).startsWith("id: "))
                {
                    final StringBuilder data = new StringBuilder();
                    for (final String l : lines)
                    {
                        if (l.startsWith("data: "))
                        {
                            data.append(l, 6, l.length());
                        }
                    }
                    return data.toString();
                }
            }
        }

        private String line() throws IOException
        {
            final ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = bodyByte()) != '\n')
            {
                line.write(b);
            }
            return line.toString(StandardCharsets.UTF_8);
        }

        private int bodyByte() throws IOException
        {
            while (chunkLeft == 0)
            {
                final String size = rawLine();
                chunkLeft = Integer.parseInt(size, 16);
                if (chunkLeft == 0)
                {
                    throw new IOException("the body ended");
                }
            }
            final int b = raw();
            if (--chunkLeft == 0)
            {
                assertEquals('\r', raw(), "a chunk ends with CRLF");
                assertEquals('\n', raw(), "a chunk ends with CRLF");
            }
            return b;
        }

        private String rawLine() throws IOException
        {
            final StringBuilder s = new StringBuilder();
            int b;
            while ((b = raw()) != '\r')
            {
                s.append((char)b);
            }
            assertEquals('\n', raw(), "a chunk size line ends with CRLF");
            return s.toString();
        }

        private int raw() throws IOException
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("the connection ended");
            }
            return b;
        }
    }
}
