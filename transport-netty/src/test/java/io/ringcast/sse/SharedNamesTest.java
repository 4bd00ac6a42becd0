package io.ringcast.sse;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.EventWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedNamesTest
{
    private static Engine engine;

    @BeforeAll
    static void startEngine()
    {
        engine = Engine.start(new EngineConfig());
    }

    @AfterAll
    static void closeEngine()
    {
        engine.close();
    }

    private static byte[] body(final String topic, final String type)
    {
        return ("{\"topic\":\"" + topic + "\",\"type\":\"" + type + "\",\"data\":1}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldGiveEveryEventOfATopicAndTypeTheSameHandleAndString()
    {
        final SharedNames names = SharedNames.standalone(engine);
        final PublishParser parser = new PublishParser(64, names);
        final ParsedEvent first = parser.parseJson(body("orders/eu", "created"));
        final ParsedEvent second = parser.parseJson(body("orders/eu", "created"));
        assertSame(first.topic(), second.topic());
        assertSame(first.type(), second.type());
        assertSame(names.topic("orders/eu"), names.topic(new String("orders/eu")));
        assertEquals("orders/eu", second.topic());
    }

    @Test
    void shouldWriteTheSharedHandleAndThePayloadFromTheBody()
    {
        final SharedNames names = SharedNames.standalone(engine);
        final ParsedEvent event = new PublishParser(64, names).parseJson(body("orders/eu", "created"));
        final EventWriter writer = event.writeTo(engine.writer());
        assertTrue(writer.tryPublish() >= 0, "published");
        assertEquals("1", new String(event.payload(), StandardCharsets.UTF_8));
    }

    @Test
    void shouldKeepNoNameTheEngineRefused()
    {
        final AtomicInteger shared = new AtomicInteger();
        final PublishParser parser = new PublishParser(64, new SharedNames(engine, 10, shared, new LongAdder()));
        assertThrows(HttpError.class, () -> parser.parseJson(body("orders/*", "x")));
        final HttpError e = assertThrows(HttpError.class, () -> parser.parseJson(body("t", "bad\\ntype")));
        assertTrue(e.detail().contains("type"), e.detail());
        assertEquals(1, shared.get()); // "t" only
    }

    @Test
    void shouldUseNamesAsParsedBeyondItsBoundAndCountThem()
    {
        final AtomicInteger shared = new AtomicInteger();
        final LongAdder unshared = new LongAdder();
        final PublishParser parser = new PublishParser(64, new SharedNames(engine, 2, shared, unshared));
        parser.parseJson(body("a", "t"));
        final ParsedEvent first = parser.parseJson(body("b", "t"));
        final ParsedEvent second = parser.parseJson(body("b", "t"));
        assertEquals(2, shared.get());
        assertEquals("b", second.topic());
        assertSame(first.type(), second.type());
        assertEquals(2, unshared.sum());
        assertNotSame(new SharedNames(engine, 0, new AtomicInteger(), new LongAdder()).topic("c"),
            new SharedNames(engine, 0, new AtomicInteger(), new LongAdder()).topic("c"));
    }
}
