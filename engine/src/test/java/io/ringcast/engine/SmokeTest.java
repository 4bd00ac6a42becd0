package io.ringcast.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SmokeTest
{
    @Test
    void shouldRoundTrip() throws Exception
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Subscription s = engine.subscribe(Filter.topicPattern("orders/*"));
            final long id = engine.publish(Message.of("orders/eu", "hello".getBytes()));
            engine.publish(Message.of("other", "x".getBytes()));
            final List<Event> got = new ArrayList<>();
            final long deadline = System.currentTimeMillis() + 5000;
            while (got.isEmpty() && System.currentTimeMillis() < deadline)
            {
                s.drain(got::add, 10);
                Thread.onSpinWait();
            }
            assertEquals(1, got.size());
            assertEquals(id, got.get(0).id());
            assertEquals("hello", got.get(0).payloadAsString());
        }
    }
}
