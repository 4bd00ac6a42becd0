package io.ringcast.server;

import io.ringcast.sse.DispatcherPlacement;
import io.ringcast.sse.ServerConfig;
import io.ringcast.sse.SlowClientPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest
{
    @Test
    void shouldReadFlagsInBothFormsAndLetThemOverrideEnvironmentVariables()
    {
        final ServerConfig c = CommandLine.parse(
            new String[] {"--port", "9000", "--ring-size=1024", "--cors-origins", "https://a.example, https://b.example",
                "--slow-client", "drop", "--pg-url", "jdbc:postgresql://db/x", "--pg-schema", "rc"},
            Map.of("RINGCAST_PORT", "7000", "RINGCAST_NODE_ID", "n7", "RINGCAST_PG_POOL", "4"));
        assertEquals(9000, c.port());
        assertEquals(1024, c.ringSize());
        assertEquals("n7", c.nodeId());
        assertEquals(List.of("https://a.example", "https://b.example"), c.corsOrigins());
        assertEquals(SlowClientPolicy.DROP, c.slowClientPolicy());
        assertEquals("jdbc:postgresql://db/x", c.settings().get("pg-url"));
        assertEquals("rc", c.settings().get("pg-schema"));
        assertEquals("4", c.settings().get("pg-pool"));
        assertEquals("n7", c.settings().get("node-id"));
        c.validate();
    }

    @Test
    void shouldReadTheByteBudgetsAndTheWriteTimeoutFromFlagsAndVariables()
    {
        final ServerConfig defaults = CommandLine.parse(new String[0], Map.of());
        assertEquals(1024 * 1024, defaults.streamBufferBytes());
        assertEquals(30_000, defaults.writeTimeoutMs());
        assertEquals((long)(Runtime.getRuntime().maxMemory() * 0.25), defaults.effectivePendingBytesBudget());
        final ServerConfig c = CommandLine.parse(new String[] {"--stream-buffer-bytes", "65536",
            "--write-timeout-ms=5000"}, Map.of("RINGCAST_PENDING_BYTES_BUDGET", "100000000"));
        assertEquals(65_536, c.streamBufferBytes());
        assertEquals(5_000, c.writeTimeoutMs());
        assertEquals(100_000_000L, c.effectivePendingBytesBudget());
        c.validate();
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CommandLine.parse(new String[] {"--stream-buffer-bytes", "100"}, Map.of()).validate());
        assertTrue(e.getMessage().contains("stream-buffer-bytes must be in [4096"), e.getMessage());
    }

    @Test
    void shouldPlaceTheDispatcher()
    {
        final ServerConfig auto = CommandLine.parse(new String[0], Map.of());
        assertEquals(DispatcherPlacement.AUTO, auto.dispatcher());
        assertEquals(auto.effectiveIoThreads() == 1, auto.dispatchOnEventLoop());
        assertFalse(CommandLine.parse(new String[] {"--dispatcher", "thread"}, Map.of()).dispatchOnEventLoop());
        assertTrue(CommandLine.parse(new String[0], Map.of("RINGCAST_DISPATCHER", "loop")).dispatchOnEventLoop());
        assertFalse(CommandLine.parse(new String[] {"--io-threads", "3"}, Map.of()).dispatchOnEventLoop());
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.parse(new String[] {"--dispatcher", "gpu"}, Map.of())).getMessage()
            .contains("use auto, loop or thread"));
    }

    @Test
    void shouldNameTheBadFlag()
    {
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.parse(new String[] {"--prot", "1"}, Map.of())).getMessage().contains("--prot"));
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.parse(new String[] {"--port", "x"}, Map.of())).getMessage().contains("--port"));
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.parse(new String[] {"--port"}, Map.of())).getMessage().contains("needs a value"));
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.parse(new String[] {"--bogus-flag"}, Map.of())).getMessage()
            .contains("unknown flag --bogus-flag"));
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.parse(new String[0], Map.of("RINGCAST_RING_SIZE", "many"))).getMessage()
            .contains("RINGCAST_RING_SIZE"));
    }

    @Test
    void shouldValidateRangesWithTheSettingsName()
    {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CommandLine.parse(new String[] {"--ring-size", "1000"}, Map.of()).validate());
        assertTrue(e.getMessage().contains("ring-size must be a power of two"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> CommandLine.parse(new String[] {"--jwt-secret", "short"}, Map.of()).validate());
    }

    @Test
    void shouldListEveryFlagAndItsVariableInHelp()
    {
        final String help = CommandLine.help();
        for (final String flag : CommandLine.flagNames())
        {
            assertTrue(help.contains("--" + flag + " "), flag);
            assertTrue(help.contains("RINGCAST_" + flag.toUpperCase().replace('-', '_')), flag);
        }
    }
}
