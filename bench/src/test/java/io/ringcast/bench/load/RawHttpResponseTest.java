package io.ringcast.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RawHttpResponseTest
{
    private static final String CHUNKED = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n" +
        "Transfer-Encoding: chunked\r\n\r\n" +
        "c\r\nretry: 100\n\n\r\n" +
        "1b;ext=1\r\nid: 1\ndata: {\"s\":0,\"t\":5}\n\n\r\n" +
        "0\r\n\r\n";

    @Test
    void shouldDechunkTheBodyWhereverTheBytesAreSplit()
    {
        final byte[] bytes = CHUNKED.getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= bytes.length; split++)
        {
            for (int second = split; second <= bytes.length; second++)
            {
                final Collector c = new Collector();
                final RawHttpResponse response = new RawHttpResponse(c);
                response.feed(Unpooled.wrappedBuffer(bytes, 0, split));
                response.feed(Unpooled.wrappedBuffer(bytes, split, second - split));
                response.feed(Unpooled.wrappedBuffer(bytes, second, bytes.length - second));

                assertEquals(200, c.status, "split at " + split + "/" + second);
                assertEquals("retry: 100\n\nid: 1\ndata: {\"s\":0,\"t\":5}\n\n", c.body.toString(),
                    "split at " + split + "/" + second);
                assertTrue(response.finished());
            }
        }
    }

    @Test
    void shouldPassAClosedelimitedBodyThroughAsItIs()
    {
        final Collector c = new Collector();
        final RawHttpResponse response = new RawHttpResponse(c);
        response.feed(ascii("HTTP/1.0 200 OK\r\nConnection: close\r\n\r\ndata: x\n"));
        response.feed(ascii("\n"));

        assertEquals(200, c.status);
        assertEquals("data: x\n\n", c.body.toString());
        assertFalse(response.finished());
    }

    @Test
    void shouldReportTheStatusOfAnErrorAnswer()
    {
        final Collector c = new Collector();
        new RawHttpResponse(c).feed(ascii("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 2\r\n\r\n{}"));

        assertEquals(503, c.status);
    }

    @Test
    void shouldRefuseMalformedFramingWithWhatWasWrong()
    {
        assertEquals("not an HTTP/1.x status line: 'SSH-2.0-x'", assertThrows(IllegalStateException.class,
            () -> new RawHttpResponse(new Collector()).feed(ascii("SSH-2.0-x\r\n\r\n"))).getMessage());
        assertEquals("bad chunk size byte 0x7a", assertThrows(IllegalStateException.class,
            () -> new RawHttpResponse(new Collector()).feed(ascii(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nz\r\n"))).getMessage());
        assertEquals("chunk data not followed by CRLF", assertThrows(IllegalStateException.class,
            () -> new RawHttpResponse(new Collector()).feed(ascii(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n"))).getMessage());
        final String longHead = "HTTP/1.1 200 OK\r\nx: " + "y".repeat(RawHttpResponse.MAX_HEAD_BYTES) + "\r\n\r\n";
        assertThrows(IllegalStateException.class, () -> new RawHttpResponse(new Collector()).feed(ascii(longHead)));
    }

    private static ByteBuf ascii(final String s)
    {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static final class Collector implements RawHttpResponse.Listener
    {
        int status = -1;
        final StringBuilder body = new StringBuilder();

        @Override
        public void status(final int code)
        {
            status = code;
        }

        @Override
        public void body(final ByteBuf buf, final int from, final int to)
        {
            body.append(buf.toString(from, to - from, StandardCharsets.US_ASCII));
        }
    }
}
