package io.ringcast.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's embedding example, verbatim between the markers, so it cannot rot. */
@Timeout(30)
class ReadmeExampleTest
{
    @Test
    void shouldRunTheReadmeEmbeddingExample()
    {
        final PrintStream originalOut = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            example();
        }
        finally
        {
            System.setOut(originalOut);
        }
        final String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).endsWith(" orders/eu {\"id\":1}");
        assertThat(lines[1]).endsWith(" orders/us {\"id\":2}");
        assertThat(lines[2]).isEqualTo("resumed EXACT: {\"id\":2}");
    }

    @Test
    void shouldMatchTheReadmeVerbatim() throws Exception
    {
        final String source = java.nio.file.Files.readString(
            java.nio.file.Path.of("src/test/java/io/ringcast/engine/ReadmeExampleTest.java"));
        final String start = "// README-EXAMPLE-START\n";
        final String body = source.substring(source.indexOf(start) + start.length(),
            source.lastIndexOf("        // README-EXAMPLE-END"));
        final StringBuilder unindented = new StringBuilder();
        for (final String line : body.split("\n"))
        {
            unindented.append(line.startsWith("        ") ? line.substring(8) : line).append('\n');
        }
        final String readme = java.nio.file.Files.readString(java.nio.file.Path.of("../README.md"));
        assertThat(readme).contains(unindented.toString().strip());
    }

    private static void example()
    {
        // README-EXAMPLE-START
        try (Engine engine = Engine.start(new EngineConfig().nodeId("example")))
        {
            // a live subscription to a topic prefix; Netty users register a listener that schedules drains
            Subscription orders = engine.subscribe(Filter.topicPattern("orders/*"),
                SubscribeOptions.defaults().queueCapacity(1024).policy(SlowConsumerPolicy.DROP_NEWEST));

            // the convenient path: one Message per event (allocates)
            long first = engine.publish(Message.builder("orders/eu").type("created").payload("{\"id\":1}").build());

            // the path that allocates nothing on the publishing thread: resolve the topic once, keep one writer per thread;
            // the payload bytes are copied into the ring slot, so the buffer is yours again at once
            EventWriter writer = engine.writer().topic(engine.topic("orders/us")).type("created");
            byte[] buffer = "{\"id\":2}".getBytes(StandardCharsets.UTF_8);
            writer.payload(buffer, 0, buffer.length).publish();

            // the convenient path again
            engine.publish(Message.builder("billing/eu").payload("{\"invoice\":7}").build());

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
        // README-EXAMPLE-END
    }
}
