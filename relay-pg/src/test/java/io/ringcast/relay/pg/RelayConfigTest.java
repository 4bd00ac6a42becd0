package io.ringcast.relay.pg;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelayConfigTest
{
    private static final String URL = "jdbc:postgresql://db:5432/app?user=app&password=secret";

    @Test
    void shouldReadTheServerSettings()
    {
        final RelayConfig c = RelayConfig.fromSettings(Map.of("pg-url", URL, "node-id", "n1",
            "pg-retention-ms", "60000", "pg-batch-size", "500", "pg-buffer-events", "10000", "pg-linger-us", "0"),
            "ignored");
        assertEquals(0, c.writerLingerUs());
        assertEquals("n1", c.nodeId());
        assertEquals(60_000, c.retentionMs());
        assertEquals(500, c.batchSize());
        assertEquals(10_000, c.bufferEvents());
    }

    @Test
    void shouldUseTheServerNodeIdWhenNoneIsGiven()
    {
        assertEquals("s1", RelayConfig.fromSettings(Map.of("pg-url", URL), "s1").nodeId());
    }

    @Test
    void shouldNameTheSettingThatIsWrong()
    {
        assertMessage("pg-url", Map.of("pg-url", "postgres://db/app"));
        assertMessage("node-id", Map.of("pg-url", URL, "node-id", "a b"));
        assertMessage("pg-retention-ms", Map.of("pg-url", URL, "pg-retention-ms", "soon"));
        assertMessage("pg-batch-size", Map.of("pg-url", URL, "pg-batch-size", "0"));
        assertMessage("pg-linger-us", Map.of("pg-url", URL, "pg-linger-us", "-1"));
        assertMessage("pg-buffer-events", Map.of("pg-url", URL, "pg-batch-size", "100", "pg-buffer-events", "10"));
        assertEquals("unknown relay setting pg-retention-msx (flag --pg-retention-msx or variable " +
            "RINGCAST_PG_RETENTION_MSX); the relay's settings are pg-url, pg-retention-ms, pg-batch-size, " +
            "pg-buffer-events, pg-linger-us", assertThrows(IllegalArgumentException.class,
                () -> RelayConfig.fromSettings(Map.of("pg-url", URL, "pg-retention-msx", "5"), "n")).getMessage());
        new RelayConfig().url(URL).nodeId("n").retentionMs(1_000).validate(); // the default poll, 500 ms, fits
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new RelayConfig().url(URL).nodeId("n").retentionMs(1_000).pollIntervalMs(501).validate());
        assertEquals("pollIntervalMs must be at most half of pg-retention-ms (1000), got 501", e.getMessage());
    }

    @Test
    void shouldNeverPrintThePassword()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new RelayConfig().url("postgresql://u:secret@db/app?password=secret").nodeId("n").validate());
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
        assertEquals("jdbc:postgresql://db/app?user=u&password=***", RelayConfig.redact(
            "jdbc:postgresql://db/app?user=u&password=secret"));
    }

    @Test
    void shouldBeConfiguredOnlyWithAUrl()
    {
        final PgReplicationProvider p = new PgReplicationProvider();
        assertTrue(p.isConfigured(Map.of("pg-url", URL)));
        assertFalse(p.isConfigured(Map.of("node-id", "n1")));
        assertFalse(p.isConfigured(Map.of("pg-url", " ")));
        assertEquals("postgres", p.name());
    }

    @Test
    void shouldSizePartitionsFromTheRetentionUnlessGivenAndRefuseOnesLongerThanIt()
    {
        final RelayConfig c = new RelayConfig().url(URL).nodeId("n1").retentionMs(3_600_000);
        assertEquals(600_000, c.partitionMs(), "a sixth of the retention");
        assertEquals(1_000, new RelayConfig().retentionMs(2_000).partitionMs(), "at least one second");
        assertEquals(60_000, c.partitionMs(60_000).partitionMs());
        c.validate();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> c.partitionMs(7_200_000).validate())
            .getMessage().startsWith("partitionMs must be in 1000..pg-retention-ms"));
        assertThrows(IllegalArgumentException.class, () -> c.partitionMs(999).validate());
        assertEquals(2 * 600_000, OutboxPartitions.aheadMs(c.partitionMs(600_000)), "two partitions ahead");
        assertEquals(OutboxPartitions.MAX_CREATED_PER_CALL * 1_000L,
            OutboxPartitions.aheadMs(c.partitionMs(1_000).pruneIntervalMs(600_000)), "bounded by the partition count");
    }

    private static void assertMessage(final String setting, final Map<String, String> settings)
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> RelayConfig.fromSettings(settings, "n1"));
        assertTrue(e.getMessage().startsWith(setting), e.getMessage());
    }
}
