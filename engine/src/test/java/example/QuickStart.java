package example;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.EventWriter;
import io.ringcast.engine.Filter;
import io.ringcast.engine.Message;
import io.ringcast.engine.SlowConsumerPolicy;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.engine.Topic;

import java.nio.charset.StandardCharsets;

public final class QuickStart
{
    public static void main(final String[] args)
    {
        try (Engine engine = Engine.start(new EngineConfig().nodeId("example")))
        {
            // a live subscription to a topic prefix; Netty users register a listener that schedules drains
            Subscription orders = engine.subscribe(Filter.topicPattern("orders/*"),
                SubscribeOptions.defaults().queueCapacity(1024).policy(SlowConsumerPolicy.DROP_NEWEST));

            // the convenient path: one Message per event (allocates)
            long first = engine.publish(Message.builder("orders/eu").type("created").payload("{\"id\":1}").build());

            // the path that allocates nothing on the publishing thread: resolve the topic once, keep one writer per
            // thread; the payload bytes are copied into the ring slot, so the buffer is yours again at once
            EventWriter writer = engine.writer().topic(engine.topic("orders/us")).type("created");
            byte[] buffer = "{\"id\":2}".getBytes(StandardCharsets.UTF_8);
            writer.payload(buffer, 0, buffer.length).publish();

            // a message built with a topic handle is routed without looking the topic's name up: for hot topics
            Topic billing = engine.topic("billing/eu");
            engine.publish(Message.of(billing, "{\"invoice\":7}".getBytes(StandardCharsets.UTF_8)));

            // a drained event is a view of the ring slot, valid during the call; event.copy() keeps one
            int received = 0;
            while (received < 2)
            {
                received += orders.drain(e -> System.out.println(e.idString() + " " + e.topic() + " " + e.payloadAsString()), 100);
            }

            // a consumer that saw only the first event resumes after its id: no gap, no duplicate
            Subscription resumed = engine.subscribe(Filter.topicPattern("orders/*"),
                SubscribeOptions.defaults().resumeAfter(first));
            Event next;
            while ((next = resumed.poll()) == null)
            {
                Thread.onSpinWait();
            }
            System.out.println("resumed " + resumed.resumeOutcome() + ": " + next.payloadAsString());
        }
    }
}
