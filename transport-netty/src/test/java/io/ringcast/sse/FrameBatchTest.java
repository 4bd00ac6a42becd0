package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FrameBatchTest
{
    private static String drained(final FrameBatch batch)
    {
        final ByteBuf out = Unpooled.buffer();
        batch.moveTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int add(final FrameBatch batch, final String formattedId, final long id, final String type,
        final String payload)
    {
        final byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        return batch.addFrame(formattedId, id, type, new UnsafeBuffer(bytes), bytes.length);
    }

    @Test
    void shouldWriteANumericIdInDecimalWithoutAString()
    {
        final FrameBatch batch = new FrameBatch();
        assertEquals("id: 9223372036854775807\ndata: x\n\n".length(), add(batch, null, Long.MAX_VALUE, null, "x"));
        assertEquals("id: 9223372036854775807\ndata: x\n\n", drained(batch));
    }

    @Test
    void shouldGatherSeveralFramesInOrderAndCountThem()
    {
        final FrameBatch batch = new FrameBatch();
        add(batch, null, 1, "a", "1");
        batch.add(SseFrames.HEARTBEAT);
        add(batch, "n1-2", 2, null, "2\n3");
        assertEquals(3, batch.count());
        assertEquals("id: 1\nevent: a\ndata: 1\n\n: hb\n\nid: n1-2\ndata: 2\ndata: 3\n\n", drained(batch));
        assertEquals(0, batch.count());
        assertEquals(0, batch.bytes());
    }

    @Test
    void shouldEncodeANonAsciiTypeAsUtf8()
    {
        final FrameBatch batch = new FrameBatch();
        add(batch, null, 5, "caf\u00e9 \u2603", "{}");
        assertEquals("id: 5\nevent: caf\u00e9 \u2603\ndata: {}\n\n", drained(batch));
    }

    @Test
    void shouldGrowForALargeBatchThenGoBackToItsRetainedSize()
    {
        final FrameBatch batch = new FrameBatch();
        final char[] lines = new char[FrameBatch.RETAINED_BYTES];
        Arrays.fill(lines, '\n'); // every byte a line break: the largest frame a payload can make
        final String payload = new String(lines);
        final int length = add(batch, null, 1, null, payload);
        assertEquals("id: 1\n".length() + "data: ".length() * (lines.length + 1) + lines.length + 2, length);
        add(batch, null, 2, null, "after");
        final String all = drained(batch);
        assertEquals(length + "id: 2\ndata: after\n\n".length(), all.length());
        assertEquals("id: 2\ndata: after\n\n", all.substring(length));
        add(batch, null, 3, null, "small");
        assertEquals("id: 3\ndata: small\n\n", drained(batch));
    }

    @Test
    void shouldFrameTheBatchAsOneChunkReadInAnyPieces()
    {
        for (final int size : new int[] {1, 15, 16, 300, FrameBatch.STAGING_BYTES + 7})
        {
            for (final boolean chunked : new boolean[] {true, false})
            {
                final FrameBatch batch = new FrameBatch();
                add(batch, null, 1, null, "p".repeat(size));
                final String frames = "id: 1\ndata: " + "p".repeat(size) + "\n\n";
                final String expected = chunked ?
                    Integer.toHexString(frames.length()) + "\r\n" + frames + "\r\n" : frames;
                final int framed = batch.frame(chunked);
                assertEquals(expected.length(), framed);
                for (final int piece : new int[] {1, 2, 3, 7, 4096, framed})
                {
                    final ByteBuf out = Unpooled.buffer();
                    for (int at = 0; at < framed; at += piece)
                    {
                        final int to = Math.min(framed, at + piece);
                        if (to - at <= FrameBatch.STAGING_BYTES && piece == 7)
                        {
                            batch.stage(at, to); // through the direct staging memory
                            final java.nio.ByteBuffer staged = batch.stagingMemory().duplicate();
                            staged.position(0).limit(to - at);
                            out.writeBytes(staged);
                        }
                        else
                        {
                            batch.copyFramed(at, to, out);
                        }
                    }
                    assertEquals(expected, out.toString(StandardCharsets.UTF_8), "size " + size + ", pieces " + piece);
                }
                batch.clear();
                assertEquals(0, batch.bytes());
            }
        }
    }
}
