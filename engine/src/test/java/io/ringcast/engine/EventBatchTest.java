package io.ringcast.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static io.ringcast.engine.TestEvents.drainUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class EventBatchTest
{
    private static byte[] utf8(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPublishStagedEventsWithConsecutiveIdsAndTheirOwnPayloadCopies()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Subscription all = engine.subscribe(Filter.all(), SubscribeOptions.defaults().actingFor("bob"));
            final byte[] body = utf8("[1][22][333]");
            final EventWriter writer = engine.writer();
            final EventBatch batch = engine.batch();
            batch.add(writer.topic(engine.topic("a")).type("x").payload(body, 0, 3));
            batch.add(writer.clear().topic(engine.topic("b")).audience("bob").payload(body, 3, 4));
            batch.add(writer.clear().attributes(Attributes.of("k", "v")).payload(body, 7, 5));
            assertThat(batch.size()).isEqualTo(3);

            final long first = batch.tryPublish();
            body[1] = '9'; // the caller's array is free again: each event kept its own copy

            assertThat(first).isNotNegative();
            assertThat(batch.size()).as("a published batch is cleared").isZero();
            final List<Event> got = new ArrayList<>();
            drainUntil(all, got, 3);
            assertThat(got).extracting(Event::id).containsExactly(first, first + 1, first + 2);
            assertThat(got).extracting(Event::payloadAsString).containsExactly("[1]", "[22]", "[333]");
            assertThat(got).extracting(Event::topic).containsExactly("a", "b", "b");
            assertThat(got).extracting(Event::type).containsExactly("x", null, null);
            assertThat(got).extracting(Event::audience).containsExactly(null, "bob", null);
            assertThat(got.get(2).attributes()).isEqualTo(Attributes.of("k", "v"));
        }
    }

    @Test
    void shouldPublishNoneWhenTheRingIsFullAndKeepTheBatchForARetry() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final Enricher stuck = TestEvents.stuckUntil(release);
        try (Engine engine = Engine.start(new EngineConfig().ringSize(8).enricher(stuck)))
        {
            final Subscription s = engine.subscribe(Filter.all());
            final EventWriter writer = engine.writer().topic(engine.topic("t"));
            for (int i = 0; i < 7; i++)
            {
                assertThat(writer.payload(utf8(Integer.toString(i))).tryPublish()).isNotNegative();
            }
            final EventBatch batch = engine.batch();
            batch.add(writer.payload(utf8("b1"))).add(writer.payload(utf8("b2")));

            assertThat(batch.tryPublish()).isEqualTo(Engine.RING_FULL); // one slot left, two needed: none taken
            assertThat(batch.size()).isEqualTo(2);
            assertThat(engine.metrics().ringRemainingCapacity()).isEqualTo(1);

            release.countDown();
            final long first = batch.publish();
            final List<Event> got = new ArrayList<>();
            drainUntil(s, got, 9);
            assertThat(got).extracting(Event::payloadAsString)
                .containsExactly("0", "1", "2", "3", "4", "5", "6", "b1", "b2");
            assertThat(got.get(7).id()).isEqualTo(first);
        }
    }

    @Test
    void shouldRefuseWhatCannotBePublishedBeforeAnythingIsClaimed()
    {
        try (Engine a = Engine.start(new EngineConfig().ringSize(2)); Engine b = Engine.start(new EngineConfig()))
        {
            final EventBatch batch = a.batch();
            assertThatThrownBy(batch::tryPublish).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("empty");
            assertThatThrownBy(() -> batch.add(a.writer())).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("no topic set");
            assertThatThrownBy(() -> batch.add(b.writer().topic(b.topic("t")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("another engine");
            final EventWriter writer = a.writer().topic(a.topic("t"));
            batch.add(writer).add(writer);
            assertThatThrownBy(() -> batch.add(writer)).isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("at most ringSize = 2");
            assertThat(batch.clear().size()).isZero();
            assertThat(a.metrics().published()).isZero();
        }
    }

    @Test
    void shouldShareALargePayloadsOwnCopyAndKeepSlotBuffersSmall()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Subscription s = engine.subscribe(Filter.all());
            final byte[] big = new byte[Engine.RETAINED_PAYLOAD_BYTES + 1];
            big[0] = 1;
            final EventWriter writer = engine.writer().topic(engine.topic("t"));
            engine.batch().add(writer.payload(big)).add(writer.payload(new byte[] {2})).publish();
            big[0] = 9;
            final List<Event> got = new ArrayList<>();
            drainUntil(s, got, 2);
            assertThat(got.get(0).payloadLength()).isEqualTo(big.length);
            assertThat(got.get(0).payload()[0]).isEqualTo((byte)1);
            assertThat(got.get(1).payload()).containsExactly(2);
        }
    }

    @Test
    void shouldPublishBatchesWithoutAllocatingOnThePublishingThread()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        try (Engine engine = Engine.start(new EngineConfig().historyMaxEvents(0)))
        {
            final EventWriter writer = engine.writer().topic(engine.topic("orders/eu")).type("created");
            final EventBatch batch = engine.batch();
            final byte[] payload = new byte[64];
            for (int i = 0; i < 20_000; i++) // warm-up: every slot gets its buffer, the JIT compiles the path
            {
                batch.add(writer.payload(payload, 0, 64)).add(writer.payload(payload, 0, 32)).publish();
            }
            final long threadId = Thread.currentThread().getId();
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < 50_000; i++)
            {
                payload[0] = (byte)i;
                batch.add(writer.payload(payload, 0, 1 + (i & 63))).add(writer.payload(payload, 0, 8)).publish();
            }
            final long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            assertThat(allocated).as("bytes allocated by 50,000 batches of two").isLessThan(10_000);
        }
    }
}
