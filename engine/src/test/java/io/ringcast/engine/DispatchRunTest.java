package io.ringcast.engine;

import io.ringcast.test.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs (consecutive events whose one candidate list is the same, offered together at the run's end): every
 * subscriber still gets its events in ring order, private events and the slow-consumer policy apply per event. The
 * engine is driven on the test's thread, so everything published before {@link Engine#dispatch()} is one batch.
 */
@Timeout(60)
class DispatchRunTest
{
    @Test
    void shouldKeepRingOrderAcrossRunsOfDifferentLists()
    {
        try (Engine engine = Engine.start(new EngineConfig().dispatchDriver(() -> { })))
        {
            final Subscription onA = engine.subscribeAsync(Filter.topic("a"), SubscribeOptions.defaults());
            final Subscription onBoth = engine.subscribeAsync(Filter.topics("a", "b"), SubscribeOptions.defaults());
            final Subscription alice = engine.subscribeAsync(Filter.topic("a"),
                SubscribeOptions.defaults().actingFor("alice"));
            dispatchAll(engine);
            final Topic a = engine.topic("a");
            final Topic b = engine.topic("b");
            final String[] sequence = {"a1", "a2", "b1", "a3", "private", "a4", "b2", "b3", "a5"};
            long lastId = -1;
            for (final String name : sequence)
            {
                final Message.Builder builder = Message.builder(name.startsWith("b") ? b : a)
                    .payload(name.getBytes(StandardCharsets.UTF_8));
                lastId = engine.tryPublish(name.equals("private") ? builder.audience("alice").build() : builder.build());
            }
            dispatchAll(engine);
            assertThat(drain(onA)).containsExactly("a1", "a2", "a3", "a4", "a5");
            assertThat(drain(onBoth)).containsExactly("a1", "a2", "b1", "a3", "a4", "b2", "b3", "a5");
            assertThat(drain(alice)).containsExactly("a1", "a2", "a3", "private", "a4", "a5");
            assertThat(engine.lastDispatchedId()).isEqualTo(lastId); // stored when the last run was offered
        }
    }

    @Test
    void shouldApplyTheSlowConsumerPolicyWithinARun()
    {
        try (Engine engine = Engine.start(new EngineConfig().dispatchDriver(() -> { })))
        {
            final Subscription small = engine.subscribeAsync(Filter.topic("t"),
                SubscribeOptions.defaults().queueCapacity(4).policy(SlowConsumerPolicy.DISCONNECT)
                    .disconnectAfterDrops(2));
            final Subscription dropping = engine.subscribeAsync(Filter.topic("t"),
                SubscribeOptions.defaults().queueCapacity(4).policy(SlowConsumerPolicy.DROP_NEWEST));
            final Subscription roomy = engine.subscribeAsync(Filter.topic("t"), SubscribeOptions.defaults());
            dispatchAll(engine);
            final Topic t = engine.topic("t");
            for (int i = 0; i < 40; i++)
            {
                engine.tryPublish(Message.of(t, new byte[] {(byte)i}));
            }
            dispatchAll(engine);
            assertThat(small.isClosed()).isTrue();
            assertThat(small.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
            assertThat(small.delivered()).isEqualTo(4);
            assertThat(dropping.isClosed()).isFalse();
            assertThat(dropping.delivered() + dropping.dropped()).isEqualTo(dropping.matched()).isEqualTo(40);
            assertThat(drain(dropping)).containsExactly("\0", "\1", "\2", "\3");
            assertThat(roomy.delivered()).isEqualTo(40);
            assertThat(roomy.matched()).isEqualTo(40);
        }
    }

    @Test
    void shouldAbandonASubscriberWhoseRefusalsComeInRuns()
    {
        // refusals are counted a run at a time (up to 64 at once): the abandonment check must still run when the count
        // passes the 1st, 65th, 129th... refusal, not only when it lands on one of them
        try (Engine engine = Engine.start(new EngineConfig().dispatchDriver(() -> { }).abandonTimeoutMs(50)))
        {
            final Subscription stalled = engine.subscribeAsync(Filter.topic("t"),
                SubscribeOptions.defaults().queueCapacity(4).policy(SlowConsumerPolicy.DROP_NEWEST));
            final Subscription draining = engine.subscribeAsync(Filter.topic("t"), SubscribeOptions.defaults());
            final Subscription other = engine.subscribeAsync(Filter.topic("t"), SubscribeOptions.defaults());
            dispatchAll(engine);
            final Topic t = engine.topic("t");
            final int[] batches = {0};
            Await.until(() ->
            {
                for (int i = 0; i < 50; i++) // one run of 50 per batch: 4 + 46 refused, then 50 refused per batch
                {
                    engine.tryPublish(Message.of(t, new byte[] {(byte)i}));
                }
                dispatchAll(engine);
                drain(draining);
                drain(other);
                batches[0]++;
                return stalled.isClosed();
            }, () -> "not abandoned after " + batches[0] + " batches: " + stalled);
            assertThat(stalled.closeReason()).isEqualTo(CloseReason.ABANDONED);
            assertThat(stalled.dropped()).isGreaterThan(64); // passed the 65th refusal inside a run at least once
            assertThat(draining.isClosed()).isFalse();
            assertThat(draining.delivered()).isEqualTo(50L * batches[0]);
        }
    }

    private static void dispatchAll(final Engine engine)
    {
        while (engine.dispatch())
        {
            // until the ring and the commands are drained
        }
    }

    private static List<String> drain(final Subscription s)
    {
        final List<String> names = new ArrayList<>();
        s.drain(e -> names.add(e.payloadAsString()), 1_000);
        return names;
    }
}
