package io.ringcast.bench.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The publisher's response parser: pipelined answers split anywhere, in order, with the error body kept. */
class KeepAliveResponsesTest
{
    private static final String ACCEPTED = "HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\n" +
        "content-length: 28\r\n\r\n{\"id\":\"1883812791473668096\"}";
    private static final String BUSY = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 16\r\n\r\n{\"error\":\"busy\"}";
    private static final String NCHAN = "HTTP/1.1 201 Created\r\nServer: nginx\r\nContent-Type: text/plain\r\n" +
        "Content-Length: 20\r\nConnection: keep-alive\r\n\r\nqueued messages: 1\r\n";

    @Test
    void shouldReportEachPipelinedResponseInOrderWhereverTheBytesAreSplit()
    {
        final byte[] all = (ACCEPTED + BUSY + NCHAN + ACCEPTED).getBytes(StandardCharsets.US_ASCII);
        for (int split = 1; split < all.length; split += 7)
        {
            final List<String> seen = new ArrayList<>();
            final KeepAliveResponses responses = new KeepAliveResponses((code, body) -> seen.add(code + " " + body));
            feed(responses, all, 0, split);
            feed(responses, all, split, all.length);
            assertEquals(List.of("202 null", "503 {\"error\":\"busy\"}", "201 null", "202 null"), seen, "split at " + split);
        }
    }

    @Test
    void shouldRejectAResponseWithoutContentLength()
    {
        final KeepAliveResponses responses = new KeepAliveResponses((code, body) -> { });
        final byte[] bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        final IllegalStateException ex = assertThrows(IllegalStateException.class,
            () -> feed(responses, bytes, 0, bytes.length));
        assertEquals("a response without Content-Length (status 200)", ex.getMessage());
    }

    @Test
    void shouldWriteDecimalsWithoutAString()
    {
        final byte[] out = new byte[40];
        for (final long v : new long[] {0, 7, 10, 99, 12_345, Long.MAX_VALUE})
        {
            final int end = Decimal.write(v, out, 3);
            assertEquals(Long.toString(v), new String(out, 3, end - 3, StandardCharsets.US_ASCII));
        }
    }

    private static void feed(final KeepAliveResponses responses, final byte[] bytes, final int from, final int to)
    {
        final ByteBuf buf = Unpooled.wrappedBuffer(bytes, from, to - from);
        responses.feed(buf);
        buf.release();
    }
}
