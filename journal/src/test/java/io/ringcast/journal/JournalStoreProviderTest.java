package io.ringcast.journal;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Message;
import io.ringcast.engine.spi.DurableStoreProvider;
import io.ringcast.test.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link JournalStoreProvider}: what a transport's settings become in the journal it opens. */
class JournalStoreProviderTest
{
    @TempDir
    Path dir;

    @Test
    void shouldOpenWithTheDefaultIntervalsUnlessTheSettingsNameThem() throws Exception
    {
        final JournalStoreProvider provider = new JournalStoreProvider();
        try (Journal journal = (Journal)provider.open(
            new DurableStoreProvider.Settings(dir.resolve("a"), 64L << 20, 60_000, Map.of(), 1024)))
        {
            assertThat(journal.config().writeInterval()).isEqualTo(Duration.ofMillis(5));
            assertThat(journal.config().syncInterval()).isEqualTo(Duration.ofSeconds(1));
            assertThat(journal.config().retention()).isEqualTo(Duration.ofMillis(60_000));
        }
        try (Journal journal = (Journal)provider.open(
            new DurableStoreProvider.Settings(dir.resolve("b"), 64L << 20, 60_000, Map.of(), 1024, 20, 250)))
        {
            assertThat(journal.config().writeInterval()).isEqualTo(Duration.ofMillis(20));
            assertThat(journal.config().syncInterval()).isEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void shouldSyncEveryWriteWithASyncIntervalOfZero() throws Exception
    {
        try (Journal journal = (Journal)new JournalStoreProvider().open(
            new DurableStoreProvider.Settings(dir, 64L << 20, 60_000, Map.of(), 1024, 0, 0)))
        {
            final EngineConfig config = new EngineConfig().nodeId("me");
            journal.configure(config);
            try (Engine engine = Engine.start(config))
            {
                for (int i = 0; i < 3; i++)
                {
                    final long id = engine.publish(Message.builder("t").payload("event " + i).build());
                    // no durable wait asks for it: the interval of zero alone syncs each write
                    Await.until(() -> journal.durableId() >= id, () -> "event " + id + " not synced");
                }
            }
        }
    }

    @Test
    void shouldRefuseAWriteIntervalBeyondOneSecond()
    {
        assertThatThrownBy(() -> new JournalStoreProvider().open(
            new DurableStoreProvider.Settings(dir, 64L << 20, 60_000, Map.of(), 1024, 1001, 0)))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("writeInterval must be in [0, 1 s]");
    }
}
