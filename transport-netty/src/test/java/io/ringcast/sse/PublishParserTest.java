package io.ringcast.sse;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublishParserTest
{
    private static Engine engine;
    private static PublishParser parser;

    @BeforeAll
    static void startEngine()
    {
        engine = Engine.start(new EngineConfig());
        parser = new PublishParser(64, SharedNames.standalone(engine));
    }

    @AfterAll
    static void closeEngine()
    {
        engine.close();
    }

    private static ParsedEvent json(final String body)
    {
        return parser.parseJson(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String data(final ParsedEvent m)
    {
        return new String(m.payload(), StandardCharsets.UTF_8);
    }

    private static HttpError refusal(final String body)
    {
        return assertThrows(HttpError.class, () -> json(body));
    }

    @Test
    void shouldTakeTheExactJsonTextOfDataAsThePayload()
    {
        final ParsedEvent m = json("{\"topic\":\"orders/eu\",\"type\":\"created\",\"data\": {\"a\" : [1, 2],\n \"b\":\"x,}\"} ," +
            "\"user\":\"alice\"}");
        assertEquals("orders/eu", m.topic());
        assertEquals("created", m.type());
        assertEquals("alice", m.audience());
        assertEquals("{\"a\" : [1, 2],\n \"b\":\"x,}\"}", data(m));
    }

    @Test
    void shouldAcceptScalarDataInAnyPosition()
    {
        assertEquals("42", data(json("{\"data\":42,\"topic\":\"t\"}")));
        assertEquals("\"he said \\\"hi\\\"\"", data(json("{\"topic\":\"t\",\"data\":\"he said \\\"hi\\\"\"}")));
        assertEquals("null", data(json("{\"topic\":\"t\",\"data\":null}")));
        assertEquals("-1.5e3", data(json("{\"topic\":\"t\",\"data\":-1.5e3 }")));
        assertEquals("true", data(json("{\"topic\":\"t\",\"data\":true}")));
    }

    @Test
    void shouldLeaveTypeAndUserUnsetWhenAbsentOrNull()
    {
        final ParsedEvent m = json("{\"topic\":\"t\",\"type\":null,\"data\":[]}");
        assertNull(m.type());
        assertNull(m.audience());
        assertEquals("[]", data(m));
    }

    @Test
    void shouldParseOneMessagePerNdjsonLineAndSkipBlankLines()
    {
        final List<ParsedEvent> messages = parser.parseNdjson(
            "{\"topic\":\"a\",\"data\":1}\n\n{\"topic\":\"b\",\"data\":{\"x\":2}}\r\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(2, messages.size());
        assertEquals("a", messages.get(0).topic());
        assertEquals("1", data(messages.get(0)));
        assertEquals("{\"x\":2}", data(messages.get(1)));
    }

    @Test
    void shouldNameTheNdjsonLineThatIsWrong()
    {
        final HttpError e = assertThrows(HttpError.class, () -> parser.parseNdjson(
            "{\"topic\":\"a\",\"data\":1}\n{\"topic\":\"b\"}\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(HttpResponseStatus.BAD_REQUEST, e.status);
        assertTrue(e.detail().startsWith("line 2: "), e.detail());
    }

    @Test
    void shouldRefuseAnEmptyNdjsonBody()
    {
        assertThrows(HttpError.class, () -> parser.parseNdjson("\n \n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldRefuseMalformedJson()
    {
        final HttpError e = refusal("{\"topic\":\"t\",\"data\":");
        assertEquals(HttpResponseStatus.BAD_REQUEST, e.status);
        assertTrue(e.detail().contains("malformed JSON"), e.detail());
        assertEquals(HttpResponseStatus.BAD_REQUEST, refusal("{\"topic\":\"t\",\"data\":{]}").status);
        assertEquals(HttpResponseStatus.BAD_REQUEST, refusal("").status);
    }

    @Test
    void shouldRefuseInvalidUtf8InsideData()
    {
        final byte[] body = "{\"topic\":\"t\",\"data\":{\"k\":[\"ok\",\"bad:XX\"]}}".getBytes(StandardCharsets.UTF_8);
        final int at = new String(body, StandardCharsets.UTF_8).indexOf("XX");
        body[at] = (byte)0xC3;
        body[at + 1] = (byte)0x28;
        final HttpError e = assertThrows(HttpError.class, () -> parser.parseJson(body));
        assertEquals(HttpResponseStatus.BAD_REQUEST, e.status);
        assertTrue(e.detail().contains("invalid UTF-8 at byte offset " + at), e.detail());
    }

    @Test
    void shouldKeepNestedDataIntactWhileValidatingIt()
    {
        assertEquals("{\"a\":{\"b\":[1,{\"c\":\"\u00e9\"}],\"d\":[]}}",
            data(json("{\"topic\":\"t\",\"data\":{\"a\":{\"b\":[1,{\"c\":\"\u00e9\"}],\"d\":[]}},\"type\":\"x\"}")));
    }

    @Test
    void shouldRefuseMissingTopicOrData()
    {
        assertTrue(refusal("{\"data\":1}").detail().contains("'topic' is required"));
        assertTrue(refusal("{\"topic\":\"t\"}").detail().contains("'data' is required"));
    }

    @Test
    void shouldRefuseUnknownAndDuplicateFields()
    {
        assertTrue(refusal("{\"topic\":\"t\",\"data\":1,\"topik\":2}").detail().contains("unknown field 'topik'"));
        assertTrue(refusal("{\"topic\":\"t\",\"topic\":\"u\",\"data\":1}").detail().contains("twice"));
        assertTrue(refusal("{\"topic\":\"t\",\"data\":1,\"data\":2}").detail().contains("twice"));
    }

    @Test
    void shouldRefuseWrongTypesAndNonObjects()
    {
        assertTrue(refusal("{\"topic\":5,\"data\":1}").detail().contains("'topic' must be a string"));
        assertTrue(refusal("{\"topic\":\"t\",\"user\":[],\"data\":1}").detail().contains("'user' must be a string"));
        assertTrue(refusal("[1]").detail().contains("expected a JSON object"));
    }

    @Test
    void shouldRefuseTrailingContentAfterTheObject()
    {
        assertTrue(refusal("{\"topic\":\"t\",\"data\":1} {\"topic\":\"t\",\"data\":2}").detail()
            .contains("application/x-ndjson"));
    }

    @Test
    void shouldRefuseAnInvalidTopicWithTheEnginesReason()
    {
        final HttpError e = refusal("{\"topic\":\"bad\\u0001topic\",\"data\":1}");
        assertEquals(HttpResponseStatus.BAD_REQUEST, e.status);
        assertTrue(e.detail().contains("control characters"), e.detail());
        assertTrue(refusal("{\"topic\":\"\",\"data\":1}").detail().contains("empty"));
        assertTrue(refusal("{\"topic\":\"orders/*\",\"data\":1}").detail().contains("must not contain '*'"));
    }

    @Test
    void shouldRefuseDataAboveTheEventLimitWith413()
    {
        final HttpError e = refusal("{\"topic\":\"t\",\"data\":\"" + "x".repeat(100) + "\"}");
        assertEquals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, e.status);
        assertTrue(e.detail().contains("at most 64"), e.detail());
    }
}
