package io.ringcast.systemtest.sse;

import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseParser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The test client's parser follows the WHATWG event-stream interpretation. */
class SseParserTest
{
    private final List<SseFrame> frames = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final List<String> undispatched = new ArrayList<>();
    private long retry = -1;
    private final SseParser parser = new SseParser(new SseParser.Listener()
    {
        public void onFrame(final SseFrame frame)
        {
            frames.add(frame);
        }

        public void onComment(final String text)
        {
            comments.add(text);
        }

        public void onRetry(final long retryMs)
        {
            retry = retryMs;
        }

        public void onUndispatchedBlock(final String eventType, final String lastEventId)
        {
            undispatched.add(eventType);
        }
    });

    private void feed(final String... lines)
    {
        for (final String line : lines)
        {
            parser.line(line);
        }
    }

    @Test
    void shouldJoinDataLinesWithLineFeedsAndStripOneLeadingSpace()
    {
        feed("id: 7", "event: t", "data: a", "data:  b", "data:c", "");
        assertEquals(List.of(new SseFrame("7", true, "t", true, "a\n b\nc", frames.get(0).received())), frames);
    }

    @Test
    void shouldKeepTheLastEventIdAcrossFramesWithoutAnId()
    {
        feed("id: 1", "data: x", "", "data: y", "");
        assertEquals("1", frames.get(1).id());
        assertFalse(frames.get(1).hadId());
        assertEquals("message", frames.get(1).type());
    }

    @Test
    void shouldReportCommentsRetryAndBlocksWithoutDataWithoutDispatching()
    {
        feed(": hb", "", "retry: 1500", "", "retry: 1x", "", "event: reset", "", "field-without-colon", "");
        assertEquals(List.of(" hb"), comments);
        assertEquals(1500, retry);
        assertTrue(frames.isEmpty());
        assertEquals(List.of("reset"), undispatched);
    }

    @Test
    void shouldDispatchAnEmptyDataFieldAsAnEmptyString()
    {
        feed("data", "");
        assertEquals("", frames.get(0).data());
    }

    @Test
    void shouldIgnoreAnIdContainingNul()
    {
        feed("id: 5", "data: a", "", "id: 6\0", "data: b", "");
        assertEquals("5", frames.get(1).id());
    }
}
