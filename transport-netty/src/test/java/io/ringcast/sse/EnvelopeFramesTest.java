package io.ringcast.sse;

import io.ringcast.engine.Event;
import io.ringcast.engine.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvelopeFramesTest
{
    private static String frame(final String id, final Message message)
    {
        final Event event = io.ringcast.engine.EventLog.restore(42, 1_765_000_000_123L, message, "n1", 42);
        return new String(EnvelopeFrames.frame(id, event), StandardCharsets.UTF_8);
    }

    @Test
    void shouldCarryTopicTypeIdTimeAndThePayloadInOneDataLineWithoutAnEventLine()
    {
        final String frame = frame("42", Message.builder("orders/eu").type("created").payload("{\"n\":1}").build());
        assertEquals("id: 42\ndata: {\"id\":\"42\",\"topic\":\"orders/eu\",\"type\":\"created\"," +
            "\"time\":1765000000123,\"private\":false,\"data\":{\"n\":1}}\n\n", frame);
    }

    @Test
    void shouldMarkPrivateEventsAndWriteNullForAnUntypedOne()
    {
        final String frame = frame("42", Message.builder("inbox").audience("alice").payload("\"hi\"").build());
        assertTrue(frame.contains("\"type\":null,\"time\":1765000000123,\"private\":true,\"data\":\"hi\"}"), frame);
        assertFalse(frame.contains("alice"), "the envelope does not name the user: " + frame);
    }

    @Test
    void shouldSplitAMultiLinePayloadOverDataLinesAsTheWhatwgParserJoinsThem()
    {
        final String frame = frame("7", Message.builder("t").payload("{\"a\":1,\r\n\"b\":[2,\r3]\n}").build());
        assertEquals("id: 7\ndata: {\"id\":\"7\",\"topic\":\"t\",\"type\":null,\"time\":1765000000123," +
            "\"private\":false,\"data\":{\"a\":1,\ndata: \"b\":[2,\ndata: 3]\ndata: }}\n\n", frame);
    }

    @Test
    void shouldEscapeTopicAndTypeAsJsonStringsAndUseTheGivenIdForResumedStreams()
    {
        final String frame = frame("t=1,n1=5", Message.builder("a\"b\\c").type("\u00e9v\u00e9nement").payload("0")
            .build());
        assertTrue(frame.startsWith("id: t=1,n1=5\ndata: {\"id\":\"t=1,n1=5\",\"topic\":\"a\\\"b\\\\c\"," +
            "\"type\":\"\u00e9v\u00e9nement\""), frame);
    }

    @Test
    void shouldAcceptOneOrTrueAndRefuseAnythingElseButZeroFalseOrAbsence()
    {
        assertTrue(EnvelopeFrames.requested("1"));
        assertTrue(EnvelopeFrames.requested("true"));
        assertFalse(EnvelopeFrames.requested(null));
        assertFalse(EnvelopeFrames.requested("0"));
        assertFalse(EnvelopeFrames.requested("false"));
        final HttpError e = assertThrows(HttpError.class, () -> EnvelopeFrames.requested("yes"));
        assertEquals(400, e.status.code());
        assertTrue(e.getMessage().contains("'envelope'"), e.getMessage());
    }
}
