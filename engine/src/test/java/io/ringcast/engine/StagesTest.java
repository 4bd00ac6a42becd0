package io.ringcast.engine;

import io.ringcast.test.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ringcast.engine.TestEvents.drainUntil;
import static io.ringcast.engine.TestEvents.msg;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class StagesTest
{
    @Test
    void shouldLateBindAnAliasSoSubscribersFilteringOnItReceiveLaterEvents()
    {
        final BindingEnricher bindings =
            new BindingEnricher(List.of("connector", "session"), "scroll", "session.registered", 100);
        try (Engine engine = Engine.start(new EngineConfig().enricher(bindings)))
        {
            final Subscription scroll = engine.subscribe(Filter.attribute("scroll", "s-1"));
            // before the binding, an event with the key is not routed to the alias
            engine.publish(Message.builder("x").attribute("connector", "c").attribute("session", "9").payload("early").build());
            engine.publish(Message.builder("x").type("session.registered")
                .attribute("connector", "c").attribute("session", "9").attribute("scroll", "s-1").payload("bind").build());
            engine.publish(Message.builder("x").attribute("connector", "c").attribute("session", "9").payload("late").build());
            engine.publish(Message.builder("x").attribute("connector", "c").attribute("session", "8").payload("other").build());
            // an alias carried by the event always wins, and a non-declaring type does not rebind
            engine.publish(Message.builder("x").type("note").attribute("connector", "c").attribute("session", "9")
                .attribute("scroll", "s-2").payload("explicit").build());
            engine.publish(Message.builder("x").attribute("connector", "c").attribute("session", "9").payload("still").build());
            final List<Event> got = new ArrayList<>();
            drainUntil(scroll, got, 3);
            assertThat(got).extracting(Event::payloadAsString).containsExactly("bind", "late", "still");
            assertThat(got.get(1).attributes().get("scroll")).isEqualTo("s-1");
        }
    }

    @Test
    void shouldEvictTheLeastRecentlyUsedBindingAtCapacity()
    {
        final BindingEnricher bindings = new BindingEnricher(List.of("k"), "alias", null, 2);
        try (Engine engine = Engine.start(new EngineConfig().enricher(bindings)))
        {
            final Subscription all = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(64));
            engine.publish(Message.builder("t").attribute("k", "1").attribute("alias", "a1").build());
            engine.publish(Message.builder("t").attribute("k", "2").attribute("alias", "a2").build());
            engine.publish(Message.builder("t").attribute("k", "1").build()); // touches 1
            engine.publish(Message.builder("t").attribute("k", "3").attribute("alias", "a3").build()); // evicts 2
            engine.publish(Message.builder("t").attribute("k", "2").build());
            engine.publish(Message.builder("t").attribute("k", "1").build());
            final List<Event> got = new ArrayList<>();
            drainUntil(all, got, 6);
            assertThat(got.get(2).attributes().get("alias")).isEqualTo("a1");
            assertThat(got.get(4).attributes().get("alias")).isNull();
            assertThat(got.get(5).attributes().get("alias")).isEqualTo("a1");
            assertThat(bindings.size()).isEqualTo(2);
            assertThat(bindings.evictions()).isEqualTo(1);
        }
    }

    @Test
    void shouldEncodeOncePerEventAndShareTheResultWithEverySubscriber()
    {
        final AtomicInteger encodes = new AtomicInteger();
        final EventEncoder encoder = e ->
        {
            encodes.incrementAndGet();
            return ("data: " + e.payloadAsString() + "\n\n").getBytes();
        };
        try (Engine engine = Engine.start(new EngineConfig().encoder(encoder)))
        {
            final List<Subscription> subs = new ArrayList<>();
            for (int i = 0; i < 50; i++)
            {
                subs.add(engine.subscribe(Filter.all()));
            }
            for (int i = 0; i < 10; i++)
            {
                engine.publish(msg("t", Integer.toString(i)));
            }
            final List<Event> first = new ArrayList<>();
            final List<Event> last = new ArrayList<>();
            drainUntil(subs.get(0), first, 10);
            drainUntil(subs.get(49), last, 10);
            assertThat(encodes.get()).isEqualTo(10);
            for (int i = 0; i < 10; i++)
            {
                assertThat(first.get(i).id()).isEqualTo(last.get(i).id());
                assertThat(first.get(i).encoded()).isSameAs(last.get(i).encoded());
            }
        }
    }

    @Test
    void shouldGiveOneViewEachEventsOwnOriginEncodingAndIdWhateverTheEventBeforeIt()
    {
        // the optional stamps (relayed origin, encoded form, formatted id) are copied only when an event or the view
        // has some: one view, read inside the handler, goes from none to each and back
        final EventEncoder encoder = e -> "enc".equals(e.type()) ? "frame-" + e.payloadAsString() : null;
        final EventIdFormatter formatter = e -> "fmt".equals(e.type()) ? "x" + e.id() : null;
        try (Engine engine = Engine.start(new EngineConfig().nodeId("a").encoder(encoder).idFormatter(formatter)))
        {
            final Subscription s = engine.subscribe(Filter.all());
            final long plain = engine.publish(msg("t", "p1"));
            final long relayed = engine.tryPublishFromReplica(
                Message.builder("t").type("enc").payload("r1").build(), "b", 42, 1234);
            final long encoded = engine.publish(Message.builder("t").type("enc").payload("e1").build());
            final long formatted = engine.publish(Message.builder("t").type("fmt").payload("f1").build());
            final long plainAgain = engine.publish(msg("t", "p2"));
            final long relayedPlain = engine.tryPublishFromReplica(msg("t", "r2"), "c", 7, 99);
            final long written = engine.writer().topic(engine.topic("t")).payload(new byte[] {'w'}).publish();
            final List<String> seen = new ArrayList<>();
            Await.until(() ->
            {
                s.drain(e -> seen.add(e.payloadAsString() + " local=" + e.isLocal() + " origin=" + e.origin() + ":" +
                    e.originSequence() + " encoded=" + e.encoded() + " id=" + e.idString() + " formatted=" +
                    e.hasFormattedId()), 16);
                return seen.size() >= 7;
            }, () -> "expected 7 events, got " + seen);
            assertThat(seen).containsExactly(
                "p1 local=true origin=a:" + plain + " encoded=null id=" + plain + " formatted=false",
                "r1 local=false origin=b:42 encoded=frame-r1 id=" + relayed + " formatted=false",
                "e1 local=true origin=a:" + encoded + " encoded=frame-e1 id=" + encoded + " formatted=false",
                "f1 local=true origin=a:" + formatted + " encoded=null id=x" + formatted + " formatted=true",
                "p2 local=true origin=a:" + plainAgain + " encoded=null id=" + plainAgain + " formatted=false",
                "r2 local=false origin=c:7 encoded=null id=" + relayedPlain + " formatted=false",
                "w local=true origin=a:" + written + " encoded=null id=" + written + " formatted=false");
        }
    }

    @Test
    void shouldNotShowASlotsPreviousOriginEncodingOrIdOnTheEventThatReusesIt()
    {
        final EventEncoder encoder = e -> "enc".equals(e.type()) ? "frame" : null;
        final EventIdFormatter formatter = e -> "fmt".equals(e.type()) ? "x" + e.id() : null;
        try (Engine engine = Engine.start(new EngineConfig().nodeId("a").ringSize(16).historyMaxEvents(16)
            .encoder(encoder).idFormatter(formatter)))
        {
            final Subscription s = engine.subscribe(Filter.all());
            final List<Event> got = new ArrayList<>();
            for (int i = 0; i < 200; i++) // the storage holds 32: each slot is reused by events of every kind
            {
                final int kind = (i + i / 32) % 4;
                final long id = kind == 1
                    ? engine.tryPublishFromReplica(msg("t", "r"), "b", 1000 + i, 5)
                    : engine.publish(Message.builder("t").type(kind == 2 ? "enc" : kind == 3 ? "fmt" : null).build());
                drainUntil(s, got, i + 1);
                final Event e = got.get(i);
                assertThat(e.id()).isEqualTo(id);
                assertThat(e.isLocal()).as("local, event %d", i).isEqualTo(kind != 1);
                assertThat(e.origin()).as("origin, event %d", i).isEqualTo(kind == 1 ? "b" : "a");
                assertThat(e.originSequence()).as("origin sequence, event %d", i).isEqualTo(kind == 1 ? 1000 + i : id);
                assertThat(e.encoded()).as("encoded, event %d", i).isEqualTo(kind == 2 ? "frame" : null);
                assertThat(e.idString()).as("id, event %d", i).isEqualTo(kind == 3 ? "x" + id : Long.toString(id));
            }
        }
    }

    @Test
    void shouldShowStagesLocalAndRelayedEventsAndSurviveAThrowingStage()
    {
        final List<Event> seen = new ArrayList<>();
        final EventStage recorder = (event, endOfBatch) -> seen.add(event.copy());
        final EventStage broken = (event, endOfBatch) ->
        {
            throw new IllegalStateException("boom");
        };
        try (Engine engine = Engine.start(new EngineConfig().nodeId("a").stage(broken).stage(recorder)))
        {
            final Subscription s = engine.subscribe(Filter.all());
            final long local = engine.publish(msg("t", "mine"));
            final long relayed = engine.tryPublishFromReplica(msg("t", "theirs"), "b", 42, 1234);
            final List<Event> got = new ArrayList<>();
            drainUntil(s, got, 2);
            assertThat(got.get(0).isLocal()).isTrue();
            assertThat(got.get(0).origin()).isEqualTo("a");
            assertThat(got.get(0).originSequence()).isEqualTo(local);
            assertThat(got.get(1).isLocal()).isFalse();
            assertThat(got.get(1).origin()).isEqualTo("b");
            assertThat(got.get(1).originSequence()).isEqualTo(42);
            assertThat(got.get(1).timestampMs()).isEqualTo(1234);
            assertThat(got.get(1).id()).isEqualTo(relayed);
            Await.until(() -> engine.metrics().errors() == 2, () -> "errors not counted");
            assertThat(seen).hasSize(2);
        }
    }

    @ParameterizedTest
    @EnumSource(WaitStrategyKind.class)
    void shouldDeliverWithEveryWaitStrategyAndProducerMode(final WaitStrategyKind kind)
    {
        for (final ProducerMode mode : ProducerMode.values())
        {
            try (Engine engine = Engine.start(new EngineConfig().waitStrategy(kind).producerMode(mode)))
            {
                // subscribing from other threads is fine in SINGLE mode: commands do not use the ring
                final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(1 << 14));
                final Thread publisher = new Thread(() ->
                {
                    for (int i = 0; i < 10_000; i++)
                    {
                        engine.publish(msg("t", Integer.toString(i)));
                    }
                });
                publisher.start();
                final List<Event> got = new ArrayList<>();
                drainUntil(s, got, 10_000);
                for (int i = 1; i < got.size(); i++)
                {
                    assertThat(got.get(i).id()).isEqualTo(got.get(i - 1).id() + 1);
                }
                assertThat(engine.waitStrategy()).isEqualTo(kind);
            }
        }
    }

    @Test
    void shouldBoundHistoryByBytes()
    {
        try (Engine engine = Engine.start(new EngineConfig().historyMaxEvents(1000).historyMaxBytes(10_000)))
        {
            final byte[] kib = new byte[1024];
            for (int i = 0; i < 100; i++)
            {
                engine.publish(Message.of("t", kib));
            }
            Await.until(() -> engine.metrics().dispatched() == 100, () -> "not dispatched");
            assertThat(engine.metrics().historyBytes()).isLessThanOrEqualTo(10_000);
            assertThat(engine.metrics().historySize()).isBetween(5L, 9L);
        }
    }
}
