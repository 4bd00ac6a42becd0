package io.ringcast.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.ringcast.engine.TestEvents.drainUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class EventWriterTest
{
    @Test
    void shouldDeliverEveryWrittenFieldAndCopyThePayloadAtPublish()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Subscription alice = engine.subscribe(Filter.topic("orders/eu"),
                SubscribeOptions.defaults().actingFor("alice"));
            final Attributes region = Attributes.of("region", "eu");
            final byte[] buffer = "xx{\"id\":1}yy".getBytes(StandardCharsets.UTF_8);
            final EventWriter writer = engine.writer().topic(engine.topic("orders/eu")).type("created")
                .audience("alice").attributes(region);

            final long id = writer.payload(buffer, 2, 8).tryPublish();
            buffer[2] = 'X'; // the caller reuses its buffer at once: the event kept its own copy

            final List<Event> events = new ArrayList<>();
            drainUntil(alice, events, 1);
            final Event e = events.get(0);
            assertThat(e.id()).isEqualTo(id);
            assertThat(e.topic()).isEqualTo("orders/eu");
            assertThat(e.type()).isEqualTo("created");
            assertThat(e.audience()).isEqualTo("alice");
            assertThat(e.attributes()).isEqualTo(region);
            assertThat(e.payloadAsString()).isEqualTo("{\"id\":1}");
            assertThat(e.isLocal()).isTrue();
            assertThat(e.origin()).isEqualTo(engine.nodeId());
        }
    }

    @Test
    void shouldRouteHandlePublishesToSubscriptionsRegisteredAfterTheHandleWasFirstUsed()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final EventWriter writer = engine.writer().topic(engine.topic("orders/eu/42"));
            final Subscription exact = engine.subscribe(Filter.topic("orders/eu/42"));
            writer.payload(new byte[] {1}).publish();
            final List<Event> exactEvents = new ArrayList<>();
            drainUntil(exact, exactEvents, 1);

            final Subscription prefix = engine.subscribe(Filter.topicPattern("orders/*"));
            final Subscription narrower = engine.subscribe(Filter.topicPattern("orders/eu/*"));
            final Subscription other = engine.subscribe(Filter.topicPattern("billing/*"));
            writer.payload(new byte[] {2}).publish();
            drainUntil(exact, exactEvents, 2);
            exact.close();
            writer.payload(new byte[] {3}).publish();

            final List<Event> prefixEvents = new ArrayList<>();
            final List<Event> narrowerEvents = new ArrayList<>();
            drainUntil(prefix, prefixEvents, 2);
            drainUntil(narrower, narrowerEvents, 2);
            assertThat(prefixEvents).extracting(e -> e.payload()[0]).containsExactly((byte)2, (byte)3);
            assertThat(narrowerEvents).extracting(e -> e.payload()[0]).containsExactly((byte)2, (byte)3);
            assertThat(exactEvents).extracting(e -> e.payload()[0]).containsExactly((byte)1, (byte)2);
            assertThat(other.matched()).isZero();
        }
    }

    @Test
    void shouldCarryPayloadsLargerThanTheRetainedSlotBuffer()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Subscription s = engine.subscribe(Filter.all());
            final byte[] big = new byte[Engine.RETAINED_PAYLOAD_BYTES * 3 + 1];
            big[big.length - 1] = 7;
            final EventWriter writer = engine.writer().topic(engine.topic("big"));
            writer.payload(big).publish();
            writer.payload(new byte[] {9}).publish();
            final List<Event> events = new ArrayList<>();
            drainUntil(s, events, 2);
            assertThat(events.get(0).payload()).isEqualTo(big);
            assertThat(events.get(1).payload()).containsExactly(9);
        }
    }

    @Test
    void shouldPublishWithoutAllocatingOnThePublishingThread()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (Engine engine = Engine.start(new EngineConfig().historyMaxEvents(0)))
        {
            final EventWriter writer = engine.writer().topic(engine.topic("orders/eu")).type("created");
            final byte[] payload = new byte[64];
            for (int i = 0; i < 50_000; i++) // warm-up: every slot gets its buffer, the JIT compiles the path
            {
                writer.payload(payload, 0, 64).publish();
            }
            final long threadId = Thread.currentThread().getId();
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < 100_000; i++)
            {
                payload[0] = (byte)i;
                writer.payload(payload, 0, 1 + (i & 63)).publish();
            }
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            // a per-event allocation would be >= 1.6 MB; what remains is the JVM's own bookkeeping (park, deopt)
            assertThat(allocated).as("bytes allocated by 100,000 publishes").isLessThan(10_000);
        }
    }

    @Test
    void shouldRefuseAHandleOfAnotherEngineAndAWriterWithoutTopic()
    {
        try (Engine a = Engine.start(new EngineConfig()); Engine b = Engine.start(new EngineConfig()))
        {
            final Topic foreign = b.topic("orders");
            assertThatThrownBy(() -> a.writer().topic(foreign)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another engine");
            assertThatThrownBy(() -> a.writer().tryPublish()).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("no topic set");
            assertThatThrownBy(() -> a.topic("orders/*")).isInstanceOf(InvalidEventException.class);
            assertThatThrownBy(() -> a.writer().payload(new byte[4], 2, 3)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("does not fit");
            assertThatThrownBy(() -> a.writer().type("bad\ntype")).isInstanceOf(InvalidEventException.class);
        }
    }
}
