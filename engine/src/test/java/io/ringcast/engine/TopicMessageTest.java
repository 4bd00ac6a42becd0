package io.ringcast.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.ringcast.engine.TestEvents.drainUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Messages built with a {@link Topic} handle: routed through the handle's cached index entries, refused elsewhere. */
@Timeout(60)
class TopicMessageTest
{
    @Test
    void shouldRouteHandleMessagesAcrossIndexChanges()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Topic orders = engine.topic("orders/eu/42");
            final Subscription exact = engine.subscribe(Filter.topic("orders/eu/42"));
            engine.publish(Message.of(orders, new byte[] {1}));
            final List<Event> exactEvents = new ArrayList<>();
            drainUntil(exact, exactEvents, 1);

            final Subscription prefix = engine.subscribe(Filter.topicPattern("orders/*"));
            final Subscription alice = engine.subscribe(Filter.topic("orders/eu/42"),
                SubscribeOptions.defaults().actingFor("alice"));
            final Subscription other = engine.subscribe(Filter.topicPattern("billing/*"));
            engine.publish(Message.builder(orders).type("created").audience("alice").payload(new byte[] {2}).build());
            drainUntil(exact, exactEvents, 1); // private to alice: the anonymous exact subscription does not see it
            exact.close();
            assertThat(engine.tryPublish(Message.of(orders, new byte[] {3}))).isNotNegative();

            final List<Event> prefixEvents = new ArrayList<>();
            final List<Event> aliceEvents = new ArrayList<>();
            drainUntil(prefix, prefixEvents, 1);
            drainUntil(alice, aliceEvents, 2);
            assertThat(prefixEvents).extracting(e -> e.payload()[0]).containsExactly((byte)3);
            assertThat(aliceEvents).extracting(e -> e.payload()[0]).containsExactly((byte)2, (byte)3);
            assertThat(aliceEvents.get(0).topic()).isEqualTo("orders/eu/42");
            assertThat(aliceEvents.get(0).type()).isEqualTo("created");
            assertThat(exactEvents).extracting(e -> e.payload()[0]).containsExactly((byte)1);
            assertThat(other.matched()).isZero();
        }
    }

    @Test
    void shouldCarryTheHandlesNameAndShareThePayload()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Topic topic = engine.topic("news");
            final byte[] payload = "hello".getBytes(StandardCharsets.UTF_8);
            final Message message = Message.of(topic, payload);
            assertThat(message.topic()).isEqualTo("news");
            assertThat(message.topicHandle()).isSameAs(topic);
            assertThat(message.payload()).isSameAs(payload);
            assertThat(Message.of("news", payload).topicHandle()).isNull();
        }
    }

    @Test
    void shouldRefuseAHandleOfAnotherEngineOrNoHandle()
    {
        try (Engine first = Engine.start(new EngineConfig());
             Engine second = Engine.start(new EngineConfig()))
        {
            final Message foreign = Message.of(first.topic("orders"), new byte[0]);
            assertThatThrownBy(() -> second.tryPublish(foreign))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resolved by another engine");
            assertThatThrownBy(() -> second.publish(foreign)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> second.tryPublishBatch(List.of(foreign))).isInstanceOf(IllegalArgumentException.class);
            assertThat(second.metrics().published()).isZero();
            assertThatThrownBy(() -> Message.builder((Topic)null))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining("engine.topic(name)");
            assertThat(first.tryPublish(foreign)).isNotNegative();
        }
    }
}
