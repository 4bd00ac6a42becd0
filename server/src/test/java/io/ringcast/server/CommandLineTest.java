package io.ringcast.server;

import io.ringcast.test.Tokens;

import io.ringcast.engine.WaitStrategyKind;
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
    void shouldReadTheJournalsWriteAndSyncIntervals()
    {
        final ServerConfig defaults = CommandLine.parse(new String[0], Map.of());
        assertEquals(5, defaults.journalWriteIntervalMs());
        assertEquals(1000, defaults.journalSyncIntervalMs());
        final ServerConfig c = CommandLine.parse(new String[] {"--journal-write-interval-ms", "0"},
            Map.of("RINGCAST_JOURNAL_SYNC_INTERVAL_MS", "100"));
        assertEquals(0, c.journalWriteIntervalMs());
        assertEquals(100, c.journalSyncIntervalMs());
        c.validate();
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> CommandLine.parse(new String[] {"--journal-write-interval-ms=2000"}, Map.of()).validate());
        assertTrue(e.getMessage().contains("journal-write-interval-ms must be in [0, 1000], got 2000"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> CommandLine.parse(new String[] {"--journal-sync-interval-ms", "-1"}, Map.of()).validate());
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
    void shouldReadEveryWaitStrategy()
    {
        assertEquals(WaitStrategyKind.BLOCKING, CommandLine.parse(new String[0], Map.of()).waitStrategy());
        assertEquals(WaitStrategyKind.PUBLISHER_ASSISTED,
            CommandLine.parse(new String[] {"--wait-strategy", "publisher-assisted"}, Map.of()).waitStrategy());
        assertEquals(WaitStrategyKind.YIELDING,
            CommandLine.parse(new String[0], Map.of("RINGCAST_WAIT_STRATEGY", "yielding")).waitStrategy());
        assertEquals(WaitStrategyKind.BUSY_SPIN,
            CommandLine.parse(new String[] {"--wait-strategy=busy-spin"}, Map.of()).waitStrategy());
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.parse(new String[] {"--wait-strategy", "sleepy"}, Map.of())).getMessage()
            .contains("use blocking, publisher-assisted, yielding or busy-spin"));
    }

    @Test
    void shouldNameTheBadFlag()
    {
        final String misspelt = assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.parse(new String[] {"--prot", "1"}, Map.of())).getMessage();
        assertTrue(misspelt.contains("unknown flag --prot; did you mean --port?"), misspelt);
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
    void shouldRefuseAMisspeltVariableNamingIt()
    {
        final CommandLine.UsageException e = assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.parse(new String[0], Map.of("RINGCAST_JWT_SECRT", "x")));
        assertTrue(e.getMessage().contains("RINGCAST_JWT_SECRT"), e.getMessage());
        CommandLine.parse(new String[0], Map.of("RINGCAST_PG_POOL_SIZE", "2", "OTHER_VARIABLE", "x"));
    }

    @Test
    void shouldNameTheVariableOrFlagAnInvalidSettingCameFrom()
    {
        final String fromEnv = assertThrows(CommandLine.UsageException.class, () -> CommandLine.parseAndValidate(
            new String[0], Map.of("RINGCAST_JWT_SECRET", "short"))).getMessage();
        assertTrue(fromEnv.startsWith("RINGCAST_JWT_SECRET: "), fromEnv);
        final String fromFlag = assertThrows(CommandLine.UsageException.class, () -> CommandLine.parseAndValidate(
            new String[] {"--port", "70000"}, Map.of("RINGCAST_PORT", "1"))).getMessage();
        assertTrue(fromFlag.startsWith("--port: "), fromFlag);
    }

    @Test
    void shouldReadTheJwtClaimRulesAndTheMetricsToken()
    {
        final ServerConfig c = CommandLine.parseAndValidate(new String[] {"--jwt-audience", "hub",
            "--jwt-issuer=https://idp", "--jwt-allow-no-exp", "true"},
            Map.of("RINGCAST_JWT_SECRET", Tokens.SECRET, "RINGCAST_METRICS_TOKEN", "0123456789abcdef"));
        assertEquals("hub", c.jwtAudience());
        assertEquals("https://idp", c.jwtIssuer());
        assertTrue(c.jwtAllowNoExp());
        assertEquals("0123456789abcdef", c.metricsToken());
        assertTrue(CommandLine.help().contains("never with credentials"));
        assertTrue(CommandLine.help().contains("'ps'"));
    }

    @Test
    void shouldListEveryFlagAndItsVariableInHelp()
    {
        final String help = CommandLine.help();
        for (final String flag : CommandLine.flagNames())
        {
            assertTrue(help.contains("--" + flag + "="), flag);
            assertTrue(help.contains("RINGCAST_" + flag.toUpperCase().replace('-', '_')), flag);
        }
    }

    @Test
    void shouldPrintUsageAndVersionAndRefuseStrayArguments()
    {
        final CommandLine.Request help = CommandLine.read(new String[] {"--help"}, Map.of());
        assertEquals(CommandLine.Action.PRINT, help.action());
        assertTrue(help.text().contains("--port=PORT") && help.text().contains("token"), help.text());
        final CommandLine.Request tokenHelp = CommandLine.read(new String[] {"token", "--help"}, Map.of());
        assertTrue(tokenHelp.text().contains("--subscribe=PATTERN"), tokenHelp.text());
        assertTrue(CommandLine.read(new String[] {"--version"}, Map.of()).text().startsWith("ringcast-server "));
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.parse(new String[] {"serve"}, Map.of())).getMessage()
            .contains("unexpected argument 'serve'"));
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.parse(new String[] {"@flags.txt"}, Map.of())).getMessage()
            .contains("unexpected argument '@flags.txt'"), "no argument files");
    }

    @Test
    void shouldReadTheTokenSubcommandWithTheKeyFromTheEnvironmentOrAFlag()
    {
        final CommandLine.Request fromEnv = CommandLine.read(new String[] {"token", "--sub", "alice",
            "--subscribe", "orders/*,news/*", "--subscribe", "chat/1", "--ttl", "15m"},
            Map.of("RINGCAST_JWT_SECRET", "env-secret"));
        assertEquals(CommandLine.Action.TOKEN, fromEnv.action());
        assertEquals("env-secret", fromEnv.config().jwtSecret());
        assertEquals("alice", fromEnv.token().subject());
        assertEquals(List.of("orders/*", "news/*", "chat/1"), fromEnv.token().subscribe());
        assertEquals(List.of(), fromEnv.token().publish());
        assertEquals(java.time.Duration.ofMinutes(15), fromEnv.token().ttl());
        assertEquals("flag-secret", CommandLine.read(new String[] {"token", "--publish", "a", "--jwt-secret",
            "flag-secret"}, Map.of("RINGCAST_JWT_SECRET", "env-secret")).config().jwtSecret());
        assertEquals("flag-secret", CommandLine.read(new String[] {"--jwt-secret", "flag-secret", "token",
            "--publish", "a"}, Map.of()).config().jwtSecret());
        assertEquals(java.time.Duration.ofHours(1), CommandLine.read(new String[] {"token", "--publish", "a"},
            Map.of()).token().ttl(), "default ttl");
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.read(new String[] {"token", "--sub", "a"}, Map.of())).getMessage()
            .contains("give --subscribe and/or --publish"));
        assertTrue(assertThrows(CommandLine.UsageException.class,
            () -> CommandLine.read(new String[] {"token", "--publish", "a", "--ttl", "soon"}, Map.of())).getMessage()
            .contains("--ttl 'soon' is not a duration"));
    }

    @Test
    void shouldReadDurationsInTheUsualForms()
    {
        assertEquals(java.time.Duration.ofSeconds(90), TokenCommand.duration("90s"));
        assertEquals(java.time.Duration.ofSeconds(90), TokenCommand.duration("90"));
        assertEquals(java.time.Duration.ofHours(12), TokenCommand.duration("12h"));
        assertEquals(java.time.Duration.ofDays(7), TokenCommand.duration("7d"));
        assertEquals(java.time.Duration.ofMinutes(90), TokenCommand.duration("PT1H30M"));
        assertThrows(CommandLine.UsageException.class, () -> TokenCommand.duration("0s"));
        assertThrows(CommandLine.UsageException.class, () -> TokenCommand.duration("-5m"));
    }

    @Test
    void shouldLeaveTheLoggingAndLauncherVariablesToTheirReaders()
    {
        assertEquals(9000, CommandLine.parse(new String[] {"--port", "9000"},
            Map.of("RINGCAST_LOG_LEVEL", "DEBUG", "RINGCAST_JAVA_OPTS", "-Xmx1g")).port());
    }
}
