package io.ringcast.engine;

import io.ringcast.test.Await;
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
    void shouldHoldAPublishedMessageAsItsEventsContentUntilTheSlotIsReused()
    {
        try (Engine engine = Engine.start(new EngineConfig().ringSize(16).historyMaxEvents(16)))
        {
            final java.lang.ref.WeakReference<Message> published = publishAndResume(engine);
            // once the storage has gone round, the slot holds another event and lets go of the message
            final EventWriter writer = engine.writer().topic(engine.topic("other")).payload(new byte[] {1});
            for (int i = 0; i < 64; i++)
            {
                writer.publish();
            }
            Await.until(() ->
            {
                System.gc();
                return published.get() == null;
            }, () -> "a reused slot still holds the message object");
        }
    }

    /** Publishes a message, reads it live and by resume, and keeps nothing that references it. */
    private static java.lang.ref.WeakReference<Message> publishAndResume(final Engine engine)
    {
        final byte[] payload = "kept by the event".getBytes(StandardCharsets.UTF_8);
        final Message message = Message.builder(engine.topic("news")).type("headline").payload(payload).build();
        try (Subscription s = engine.subscribe(Filter.topic("news")))
        {
            final long id = engine.publish(message);
            drainUntil(s, new ArrayList<>(), 1);
            // the message is the stored event's content: a resume reads it where it lies
            try (Subscription resumed =
                     engine.subscribe(Filter.topic("news"), SubscribeOptions.defaults().resumeAfter(id - 1)))
            {
                final List<Event> replayed = new ArrayList<>();
                drainUntil(resumed, replayed, 1);
                assertThat(replayed.get(0).payloadAsString()).isEqualTo("kept by the event");
                assertThat(replayed.get(0).type()).isEqualTo("headline");
                assertThat(replayed.get(0).id()).isEqualTo(id);
            }
        }
        return new java.lang.ref.WeakReference<>(message);
    }

    @Test
    void shouldGiveAViewTheContentOfEachEventWhetherPublishedByReferenceOrWritten()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Topic topic = engine.topic("mixed");
            final Subscription s = engine.subscribe(Filter.topic("mixed"));
            final EventWriter writer = engine.writer().topic(topic).type("written")
                .attributes(Attributes.of("k", "w"));
            for (int round = 0; round < 3; round++)
            {
                engine.publish(Message.builder(topic).type("message").attributes(Attributes.of("k", "m"))
                    .payload(("m" + round).getBytes(StandardCharsets.UTF_8)).build());
                writer.payload(("w" + round).getBytes(StandardCharsets.UTF_8)).publish();
                engine.publish(Message.builder(topic).audience("somebody").payload(new byte[] {9}).build());
            }
            // one view, filled alternately by reference and from a written slot's own fields: read inside the call
            final List<String> seen = new ArrayList<>();
            Await.until(() ->
            {
                s.drain(e -> seen.add(e.type() + ":" + e.attributes().get("k") + ":" + e.payloadAsString() + ":" +
                    e.payloadLength() + ":" + e.topic() + ":" + e.audience() + ":" +
                    e.payloadBuffer().getStringWithoutLengthAscii(0, e.payloadBuffer().capacity())), 16);
                return seen.size() >= 6;
            }, () -> "expected 6 events, got " + seen);
            assertThat(seen).containsExactly(
                "message:m:m0:2:mixed:null:m0", "written:w:w0:2:mixed:null:w0",
                "message:m:m1:2:mixed:null:m1", "written:w:w1:2:mixed:null:w1",
                "message:m:m2:2:mixed:null:m2", "written:w:w2:2:mixed:null:w2");
            assertThat(s.matched()).isEqualTo(6);
        }
    }

    @Test
    void shouldHandEveryReaderOfAPublishedMessageTheMessagesOnePayloadView()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Topic topic = engine.topic("shared");
            final Subscription first = engine.subscribe(Filter.topic("shared"));
            final Subscription second = engine.subscribe(Filter.topic("shared"));
            final Message message = Message.of(topic, new byte[] {7, 8, 9});
            engine.publish(message);
            engine.publish(message); // published twice: two events, one message, one view
            final List<org.agrona.DirectBuffer> views = new ArrayList<>();
            Await.until(() ->
            {
                first.drain(e -> views.add(e.payloadBuffer()), 4);
                second.drain(e -> views.add(e.payloadBuffer()), 4);
                return views.size() >= 4;
            }, () -> "expected 4 deliveries, got " + views.size());
            assertThat(views).hasSize(4).allSatisfy(view -> assertThat(view).isSameAs(message.payloadView()));
            assertThat(message.payloadView().capacity()).isEqualTo(3);
            assertThat(message.payloadView().getByte(2)).isEqualTo((byte)9);
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
