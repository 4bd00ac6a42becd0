package io.ringcast.sse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The transport finds its durable store only through the engine's SPI: this module's tests run without the journal
 * on the class path, as an embedding application without it would.
 */
class DurableStoreDiscoveryTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseADataDirectoryWithoutAStoreOnTheClassPathNamingTheFix()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
            RingcastServer.start(new ServerConfig().port(0).dataDir(dir.resolve("data"))));
        assertTrue(e.getMessage().contains("ringcast-journal") && e.getMessage().contains("--data-dir none"),
            e.getMessage());
    }
}
