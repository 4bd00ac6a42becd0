package io.ringcast.engine;

import io.ringcast.test.Await;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineConfigTest
{
    @Test
    void shouldNameTheSettingAndTheAcceptedRange()
    {
        assertThatThrownBy(() -> Engine.start(new EngineConfig().ringSize(1000)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("ringSize must be a power of two in [2, 16777216], got 1000");
        assertThatThrownBy(() -> Engine.start(new EngineConfig().historyMaxEvents(-1)))
            .hasMessageContaining("historyMaxEvents must be in [0, ");
        assertThatThrownBy(() -> Engine.start(new EngineConfig().historyMaxBytes(-5)))
            .hasMessageContaining("historyMaxBytes must be >= 0");
        assertThatThrownBy(() -> Engine.start(new EngineConfig().defaultQueueCapacity(0)))
            .hasMessageContaining("defaultQueueCapacity must be in [1, ");
        assertThatThrownBy(() -> Engine.start(new EngineConfig().nodeId("bad id")))
            .hasMessageContaining("nodeId must be 1..64 chars");
        assertThatThrownBy(() -> Engine.start(new EngineConfig().waitStrategy(null)))
            .hasMessageContaining("waitStrategy must not be null");
        assertThatThrownBy(() -> Engine.start(new EngineConfig().housekeepingIntervalMs(0)))
            .hasMessageContaining("housekeepingIntervalMs must be in [1, 60000]");
        assertThatThrownBy(() -> SubscribeOptions.defaults().queueCapacity(-1))
            .hasMessageContaining("queueCapacity must be 0 (engine default) or 1..");
        assertThatThrownBy(() -> SubscribeOptions.defaults().disconnectAfterDrops(0))
            .hasMessageContaining("disconnectAfterDrops must be >= 1");
    }

    @Test
    void shouldRunOnAConcludedSnapshotThatLaterChangesDoNotReach()
    {
        final EngineConfig config = new EngineConfig().nodeId("first").ringSize(1024);
        try (Engine engine = Engine.start(config))
        {
            config.nodeId("second").ringSize(64).enricher(e -> { throw new AssertionError("not configured"); });
            assertThat(engine.nodeId()).isEqualTo("first");
            assertThat(engine.metrics().ringSize()).isEqualTo(1024);
            final Subscription s = engine.subscribe(Filter.all());
            engine.publish(Message.of("t", new byte[] {1}));
            Await.until(() -> s.delivered() == 1, () -> "not delivered");
            assertThat(engine.metrics().errors()).isZero();
        }
    }

    @Test
    void shouldNameTheFrontEndsSettingInTheSharedChecks()
    {
        assertThatThrownBy(() -> EngineConfig.checkRingSize("ring-size", 1000))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ring-size must be a power of two");
        assertThatThrownBy(() -> EngineConfig.checkNodeId("node-id", "a b"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("node-id must be 1..64 chars");
        assertThatThrownBy(() -> EngineConfig.checkQueueCapacity("queue-capacity", 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("queue-capacity must be in [1, ");
    }
}
