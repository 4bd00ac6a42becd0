package io.ringcast.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's embedding example, verbatim between the markers, so it cannot rot. */
@Timeout(30)
class ReadmeExampleTest
{
    @Test
    void shouldRunTheReadmeEmbeddingExample() throws Exception
    {
        final List<String> printed = new ArrayList<>();
        // README-EXAMPLE-START
        try (Engine engine = Engine.start(new EngineConfig().nodeId("example")))
        {
            // live subscription to a topic prefix; a listener could schedule drains instead of polling
            Subscription orders = engine.subscribe(Filter.topicPattern("orders/*"),
                SubscribeOptions.defaults().queueCapacity(1024).policy(SlowConsumerPolicy.DROP_NEWEST));

            long first = engine.publish(Message.builder("orders/eu").type("created").payload("{\"id\":1}").build());
            engine.publish(Message.builder("orders/us").type("created").payload("{\"id\":2}").build());
            engine.publish(Message.builder("billing/eu").payload("{\"invoice\":7}").build());

            while (printed.size() < 2)
            {
                orders.drain(e -> printed.add(e.idString() + " " + e.topic() + " " + e.payloadAsString()), 100);
            }

            // a consumer that saw only the first event resumes after its id: no gap, no duplicate
            Subscription resumed = engine.subscribe(Filter.topicPattern("orders/*"),
                SubscribeOptions.defaults().resumeAfter(first));
            Event next;
            while ((next = resumed.poll()) == null)
            {
                Thread.onSpinWait();
            }
            printed.add("resumed " + resumed.resumeOutcome() + ": " + next.payloadAsString());
        }
        // README-EXAMPLE-END
        assertThat(printed).hasSize(3);
        assertThat(printed.get(0)).endsWith("orders/eu {\"id\":1}");
        assertThat(printed.get(1)).endsWith("orders/us {\"id\":2}");
        assertThat(printed.get(2)).isEqualTo("resumed EXACT: {\"id\":2}");
    }
}
