package io.ringcast.sse;

import io.ringcast.engine.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SharedNamesTest
{
    private static byte[] body(final String topic, final String type)
    {
        return ("{\"topic\":\"" + topic + "\",\"type\":\"" + type + "\",\"data\":1}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldGiveEveryEventOfATopicAndTypeTheSameStrings()
    {
        final PublishParser parser = new PublishParser(64);
        final Message first = parser.parseJson(body("orders/eu", "created"));
        final Message second = parser.parseJson(body("orders/eu", "created"));
        assertSame(first.topic(), second.topic());
        assertSame(first.type(), second.type());
        assertEquals("orders/eu", second.topic());
    }

    @Test
    void shouldKeepNoNameTheEngineRefused()
    {
        final AtomicInteger shared = new AtomicInteger();
        final PublishParser parser = new PublishParser(64, new SharedNames(10, shared, new LongAdder()));
        assertThrows(HttpError.class, () -> parser.parseJson(body("orders/*", "x")));
        assertEquals(0, shared.get());
    }

    @Test
    void shouldUseNamesAsParsedBeyondItsBoundAndCountThem()
    {
        final AtomicInteger shared = new AtomicInteger();
        final LongAdder unshared = new LongAdder();
        final PublishParser parser = new PublishParser(64, new SharedNames(2, shared, unshared));
        parser.parseJson(body("a", "t"));
        final Message first = parser.parseJson(body("b", "t"));
        final Message second = parser.parseJson(body("b", "t"));
        assertEquals(2, shared.get());
        assertNotSame(first.topic(), second.topic());
        assertEquals("b", second.topic());
        assertEquals(2, unshared.sum());
    }
}
