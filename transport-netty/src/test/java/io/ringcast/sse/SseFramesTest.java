package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SseFramesTest
{
    private static String frame(final String id, final String type, final String payload)
    {
        final byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
        final FrameBatch batch = new FrameBatch();
        batch.addFrame(id, 0, type, new UnsafeBuffer(bytes), bytes.length);
        final ByteBuf out = Unpooled.buffer();
        batch.moveTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteIdAndDataAndABlankLine()
    {
        assertEquals("id: 7\ndata: {\"a\":1}\n\n", frame("7", null, "{\"a\":1}"));
    }

    @Test
    void shouldWriteTheEventTypeWhenSet()
    {
        assertEquals("id: 7\nevent: created\ndata: 1\n\n", frame("7", "created", "1"));
    }

    @Test
    void shouldSplitMultiLineDataAtLfCrlfAndCr()
    {
        assertEquals("id: 1\ndata: a\ndata: b\ndata: c\ndata: d\n\n", frame("1", null, "a\nb\r\nc\rd"));
    }

    @Test
    void shouldKeepEmptyLinesAndATrailingNewlineAsDataLines()
    {
        assertEquals("id: 1\ndata: a\ndata: \ndata: b\ndata: \n\n", frame("1", null, "a\n\nb\n"));
    }

    @Test
    void shouldWriteOneEmptyDataLineForAnEmptyPayload()
    {
        assertEquals("id: 1\ndata: \n\n", frame("1", null, ""));
    }

    @Test
    void shouldKeepMultiByteUtf8Intact()
    {
        assertEquals("id: 1\ndata: \"h\u00e9llo \u2603\"\n\n", frame("1", null, "\"h\u00e9llo \u2603\""));
    }

    @Test
    void shouldDescribeTheResetFrame()
    {
        assertEquals("event: reset\ndata: {\"reason\":\"history-gap\",\"lastEventId\":\"42\"}\n\n",
            new String(SseFrames.reset("42"), StandardCharsets.UTF_8));
        assertEquals("retry: 1500\n\n", new String(SseFrames.retry(1500), StandardCharsets.UTF_8));
    }
}
