package io.ringcast.server;

import io.ringcast.engine.spi.DurableStoreProvider;
import io.ringcast.sse.DispatcherPlacement;
import io.ringcast.sse.InvalidSettingException;
import io.ringcast.sse.ServerConfig;
import io.ringcast.sse.SlowClientPolicy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The server's flags: each {@code --name value} (or {@code --name=value}) is also read from the environment variable
 * {@code RINGCAST_NAME} (upper case, dashes as underscores); a flag overrides its variable. Flags starting with
 * {@code --pg-} (and {@code RINGCAST_PG_*} variables) go to the replication settings as they are. The flags are parsed
 * and the usage is printed by picocli, from the one table below; {@code token} is a subcommand ({@link TokenCommand}).
 * Stateless.
 */
final class CommandLine
{
    /** Thrown for an unknown flag or an unparsable value; the message says which and what is accepted. */
    static final class UsageException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        UsageException(final String message)
        {
            super(message);
        }
    }

    /** The journal's directory under the working directory unless {@code --data-dir} says otherwise. */
    static final String DEFAULT_DATA_DIR = "ringcast-data";

    private static void consumers(final ServerConfig config, final String value)
    {
        for (final String item : value.split(","))
        {
            final String t = item.trim();
            if (!t.isEmpty())
            {
                final int colon = t.indexOf(':');
                config.consumer(colon < 0 ? t : t.substring(0, colon), colon < 0 ? "beginning" : t.substring(colon + 1));
            }
        }
    }

    private record Option(String name, String argument, String help, BiConsumer<ServerConfig, String> apply)
    {
        String env()
        {
            return "RINGCAST_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        }
    }

    private static final List<Option> OPTIONS = List.of(
        new Option("bind", "ADDRESS", "address to listen on; non-loopback needs a JWT key (default " +
            ServerConfig.DEFAULT_BIND_ADDRESS + ")", ServerConfig::bindAddress),
        new Option("port", "PORT", "TCP port, 0 for any free one (default " + ServerConfig.DEFAULT_PORT + ")",
            (c, v) -> c.port(integer("port", v))),
        new Option("ring-size", "SLOTS", "engine ring slots, a power of two (default 16384)",
            (c, v) -> c.ringSize(integer("ring-size", v))),
        new Option("data-dir", "DIR", "journal directory: events on disk for resume across restarts, " +
            "ack=durable and named consumers, or 'none' for memory only (default ./" + DEFAULT_DATA_DIR + ")",
            (c, v) -> c.dataDir(v.isBlank() || v.equals("none") ? null : Path.of(v))),
        new Option("retention-bytes", "BYTES", "journal size kept, oldest whole segments deleted beyond (default " +
            "10 GiB)", (c, v) -> c.retentionBytes(number("retention-bytes", v))),
        new Option("retention-ms", "MS", "journal age kept, older whole segments deleted (default 7 days)",
            (c, v) -> c.retentionMs(number("retention-ms", v))),
        new Option("journal-write-interval-ms", "MS", "while events flow, the journal writes at least this often: " +
            "what a kill -9 may lose of ack=memory events (default " + DurableStoreProvider.DEFAULT_WRITE_INTERVAL_MS +
            ", at most 1000; 0 = after every batch)",
            (c, v) -> c.journalWriteIntervalMs(number("journal-write-interval-ms", v))),
        new Option("journal-sync-interval-ms", "MS", "written journal data is synced at least this often: what power " +
            "loss may lose of ack=memory events (default " + DurableStoreProvider.DEFAULT_SYNC_INTERVAL_MS +
            "; 0 = after every write)", (c, v) -> c.journalSyncIntervalMs(number("journal-sync-interval-ms", v))),
        new Option("consumers", "LIST", "named durable consumers, NAME[:SEEK] comma-separated; SEEK = beginning " +
            "(default), latest, after:ID, time:EPOCH_MS", CommandLine::consumers),
        new Option("history-size", "EVENTS", "events kept in memory for Last-Event-ID resume (default 49152)",
            (c, v) -> c.historySize(integer("history-size", v))),
        new Option("queue-capacity", "EVENTS", "per-stream queue before the slow-client policy applies (default " +
            ServerConfig.DEFAULT_QUEUE_CAPACITY + ")", (c, v) -> c.queueCapacity(integer("queue-capacity", v))),
        new Option("heartbeat-ms", "MS", "comment heartbeat on idle streams (default " +
            ServerConfig.DEFAULT_HEARTBEAT_INTERVAL_MS + ")", (c, v) -> c.heartbeatIntervalMs(number("heartbeat-ms", v))),
        new Option("retry-ms", "MS", "reconnect delay sent in the first 'retry:' frame (default " +
            ServerConfig.DEFAULT_RETRY_MS + ")", (c, v) -> c.retryMs(number("retry-ms", v))),
        new Option("max-connections", "N", "open connections beyond this get 503 (default " +
            ServerConfig.DEFAULT_MAX_CONNECTIONS + ")", (c, v) -> c.maxConnections(integer("max-connections", v))),
        new Option("max-body-bytes", "BYTES", "largest POST /publish body (default 1 MiB)",
            (c, v) -> c.maxBodyBytes(integer("max-body-bytes", v))),
        new Option("max-event-bytes", "BYTES", "largest 'data' of one event (default 64 KiB)",
            (c, v) -> c.maxEventBytes(integer("max-event-bytes", v))),
        new Option("max-header-bytes", "BYTES", "largest request headers, 431 beyond (default 16 KiB)",
            (c, v) -> c.maxHeaderBytes(integer("max-header-bytes", v))),
        new Option("max-initial-line-bytes", "BYTES", "longest request line, 414 beyond (default 8 KiB)",
            (c, v) -> c.maxInitialLineBytes(integer("max-initial-line-bytes", v))),
        new Option("request-timeout-ms", "MS", "time to receive a whole request, 408 beyond (default " +
            ServerConfig.DEFAULT_REQUEST_TIMEOUT_MS + ")", (c, v) -> c.requestTimeoutMs(number("request-timeout-ms", v))),
        new Option("idle-timeout-ms", "MS", "idle keep-alive connections (not streams) close after (default " +
            ServerConfig.DEFAULT_IDLE_TIMEOUT_MS + ")", (c, v) -> c.idleTimeoutMs(number("idle-timeout-ms", v))),
        new Option("shutdown-timeout-ms", "MS", "graceful shutdown wait for publishes and streams (default " +
            ServerConfig.DEFAULT_SHUTDOWN_TIMEOUT_MS + ")",
            (c, v) -> c.shutdownTimeoutMs(number("shutdown-timeout-ms", v))),
        new Option("drain-batch", "EVENTS", "most events a stream writes per flush (default " +
            ServerConfig.DEFAULT_DRAIN_BATCH + ")", (c, v) -> c.drainBatch(integer("drain-batch", v))),
        new Option("stream-buffer-bytes", "BYTES", "per-stream unwritten bytes before the slow-client policy " +
            "applies (default 1 MiB)", (c, v) -> c.streamBufferBytes(integer("stream-buffer-bytes", v))),
        new Option("pending-bytes-budget", "BYTES", "unwritten bytes of all streams before behind streams get the " +
            "slow-client policy (default 1/4 of the max heap)",
            (c, v) -> c.pendingBytesBudget(number("pending-bytes-budget", v))),
        new Option("write-timeout-ms", "MS", "a stream whose writes do not reach its socket within this is cut off " +
            "(default " + ServerConfig.DEFAULT_WRITE_TIMEOUT_MS + ")",
            (c, v) -> c.writeTimeoutMs(number("write-timeout-ms", v))),
        new Option("io-threads", "N", "Netty event loops, 0 = cores - 1, at least 1 (default 0)",
            (c, v) -> c.ioThreads(integer("io-threads", v))),
        new Option("jwt-secret", "SECRET", "HS256 secret (>= 32 bytes); turns auth on. A flag's value shows in " +
            "'ps': prefer the variable", ServerConfig::jwtSecret),
        new Option("jwt-key-file", "FILE", "PEM public key or JWK (RSA: RS*/PS*, EC: ES*); turns auth on",
            (c, v) -> c.jwtKeyFile(Path.of(v))),
        new Option("tls-cert", "FILE", "PEM certificate chain; with --tls-key serves HTTPS, HTTP/2 by ALPN (reloaded " +
            "when the file changes)", (c, v) -> c.tlsCert(Path.of(v))),
        new Option("tls-key", "FILE", "PEM private key (PKCS#8) of --tls-cert", (c, v) -> c.tlsKey(Path.of(v))),
        new Option("jwt-audience", "AUD", "a token's 'aud' must hold this (default: any)", ServerConfig::jwtAudience),
        new Option("jwt-issuer", "ISS", "a token's 'iss' must equal this (default: any)", ServerConfig::jwtIssuer),
        new Option("jwt-allow-no-exp", "BOOL", "accept tokens without 'exp', which never expire (default false: " +
            "refused)", (c, v) -> c.jwtAllowNoExp(bool("jwt-allow-no-exp", v))),
        new Option("metrics-token", "TOKEN", "GET /metrics then needs 'Authorization: Bearer TOKEN' (>= 16 bytes; " +
            "default: open). Shows in 'ps': prefer the variable", ServerConfig::metricsToken),
        new Option("cors-origins", "LIST", "comma-separated allowed origins, sent with credentials; or * for any " +
            "origin, then never with credentials (no cookies, no Authorization) (default none)",
            (c, v) -> c.corsOrigins(v.isBlank() ? List.of() : Arrays.stream(v.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList())),
        new Option("node-id", "ID", "this node's id, [A-Za-z0-9._-]{1,64} (default " + ServerConfig.DEFAULT_NODE_ID +
            ")", ServerConfig::nodeId),
        new Option("slow-client", "POLICY", "disconnect (default; client resumes) or drop (drop and count)",
            (c, v) -> c.slowClientPolicy(policy(v))),
        new Option("wait-strategy", "KIND", "engine dispatcher wait: blocking (default), " +
            "publisher-assisted, yielding, busy-spin",
            (c, v) -> c.waitStrategy(waitStrategy(v))),
        new Option("dispatcher", "WHERE", "engine dispatcher on: auto (the event loop if there is one, else its own " +
            "thread; default), loop, thread", (c, v) -> c.dispatcher(dispatcher(v))),
        new Option("native-transport", "BOOL", "use epoll when available (default true)",
            (c, v) -> c.nativeTransport(bool("native-transport", v))),
        new Option("pg-url", "JDBC_URL", "PostgreSQL relay across replicas (other --pg-* flags go to the relay too)",
            (c, v) -> c.setting("pg-url", v)));

    private CommandLine()
    {
    }

    /** What the command line asks for. */
    enum Action
    {
        /** Start the server with {@link Request#config()}. */
        SERVE,
        /** Print {@link Request#text()} (usage or version) and exit 0. */
        PRINT,
        /** Mint a token for {@link Request#config()}'s key: {@link Request#token()}. */
        TOKEN
    }

    /**
     * A parsed command line.
     *
     * @param action what to do.
     * @param config the server's settings from the environment and the flags (not yet validated).
     * @param token  the token to mint, for {@link Action#TOKEN}.
     * @param text    the text to print, for {@link Action#PRINT}.
     * @param sources for each setting name, the flag or environment variable its value came from.
     */
    record Request(Action action, ServerConfig config, TokenRequest token, String text, Map<String, String> sources)
    {
        /**
         * Validates {@link #config()}: a setting {@link ServerConfig#validate()} refuses is reported naming the flag
         * or the environment variable its value came from.
         *
         * @return the validated configuration.
         * @throws UsageException for an invalid setting.
         */
        ServerConfig validatedConfig()
        {
            try
            {
                config.validate();
            }
            catch (final InvalidSettingException e)
            {
                final String source = sources.get(e.setting());
                throw new UsageException(source == null ? e.getMessage() : source + ": " + e.getMessage());
            }
            return config;
        }
    }

    /**
     * @param args the command-line arguments (server flags only).
     * @param env  the environment.
     * @return the configuration (not yet validated).
     * @throws UsageException for an unknown flag, a missing value, an unparsable number or a subcommand.
     */
    static ServerConfig parse(final String[] args, final Map<String, String> env)
    {
        final Request request = read(args, env);
        if (request.action() != Action.SERVE)
        {
            throw new UsageException("expected server flags only, got " + Arrays.toString(args));
        }
        return request.config();
    }

    /**
     * Parses and validates server flags only.
     *
     * @throws UsageException for anything {@link #parse(String[], Map)} refuses or an invalid setting, naming the flag
     *                        or the environment variable the value came from.
     */
    static ServerConfig parseAndValidate(final String[] args, final Map<String, String> env)
    {
        parse(args, env);
        return read(args, env).validatedConfig();
    }

    /** {@code RINGCAST_*} variables that are not flags' but are read elsewhere: logback.xml, bin/ringcast-server. */
    private static final List<String> OTHER_VARIABLES = List.of("RINGCAST_LOG_LEVEL", "RINGCAST_JAVA_OPTS");

    /**
     * Reads the environment's {@code RINGCAST_*} variables, then the flags (picocli), which win over them; flags and
     * variables starting with {@code --pg-} / {@code RINGCAST_PG_} go to the relay's settings as they are.
     *
     * @param args the command-line arguments: server flags, optionally followed by {@code token} and its options.
     * @param env  the environment.
     * @return what to do.
     * @throws UsageException naming the flag or variable at fault and what is accepted.
     */
    static Request read(final String[] args, final Map<String, String> env)
    {
        final ServerConfig config = new ServerConfig().dataDir(Path.of(DEFAULT_DATA_DIR));
        final Map<String, String> sources = new HashMap<>();
        for (final String name : env.keySet())
        {
            if (name.startsWith("RINGCAST_") && !name.startsWith("RINGCAST_PG_") && !name.startsWith("RINGCAST_TEST_") &&
                findEnv(name) == null && !OTHER_VARIABLES.contains(name))
            {
                throw new UsageException("unknown environment variable " + name + "; the RINGCAST_* variables are " +
                    "the flags' (--help lists them) and RINGCAST_PG_* for the relay");
            }
        }
        for (final Option option : OPTIONS)
        {
            final String value = env.get(option.env());
            if (value != null)
            {
                apply(config, option, value, option.env());
                sources.put(option.name(), option.env());
            }
        }
        for (final Map.Entry<String, String> e : env.entrySet())
        {
            if (e.getKey().startsWith("RINGCAST_PG_") && !e.getKey().equals("RINGCAST_PG_URL"))
            {
                config.setting(e.getKey().substring("RINGCAST_".length()).toLowerCase(Locale.ROOT).replace('_', '-'),
                    e.getValue());
            }
        }
        final List<String> rest = relaySettings(args, config);
        final TokenCommand tokenCommand = new TokenCommand();
        final picocli.CommandLine parser = parser(tokenCommand);
        final picocli.CommandLine.ParseResult parsed;
        try
        {
            parsed = parser.parseArgs(rest.toArray(new String[0]));
        }
        catch (final picocli.CommandLine.ParameterException e)
        {
            throw usage(e);
        }
        final picocli.CommandLine.ParseResult token = parsed.subcommand();
        for (final picocli.CommandLine.ParseResult result : token == null ? List.of(parsed) : List.of(parsed, token))
        {
            if (result.isUsageHelpRequested())
            {
                return new Request(Action.PRINT, config, null,
                    result.commandSpec().commandLine().getUsageMessage(picocli.CommandLine.Help.Ansi.AUTO), sources);
            }
            if (result.isVersionHelpRequested())
            {
                return new Request(Action.PRINT, config, null, "ringcast-server " + version() + "\n", sources);
            }
            for (final picocli.CommandLine.Model.OptionSpec spec : result.matchedOptions())
            {
                final Option option = find(spec.longestName().substring(2));
                if (option != null)
                {
                    apply(config, option, spec.getValue(), spec.longestName());
                    sources.put(option.name(), spec.longestName());
                }
            }
        }
        return token == null ? new Request(Action.SERVE, config, null, null, sources) :
            new Request(Action.TOKEN, config, tokenCommand.request(), null, sources);
    }

    /** @return the usage text, without colours. */
    static String help()
    {
        return parser(new TokenCommand()).getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
    }

    /** @return the server's version, from the jar's manifest. */
    static String version()
    {
        final String version = CommandLine.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }

    /** Takes {@code --pg-NAME VALUE} and {@code --pg-NAME=VALUE} out of the arguments into the relay's settings. */
    private static List<String> relaySettings(final String[] args, final ServerConfig config)
    {
        final List<String> rest = new ArrayList<>(args.length);
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (!arg.startsWith("--pg-") || find(arg.substring(2).split("=", 2)[0]) != null)
            {
                rest.add(arg);
                continue;
            }
            final int eq = arg.indexOf('=');
            if (eq >= 0)
            {
                config.setting(arg.substring(2, eq), arg.substring(eq + 1));
            }
            else if (i + 1 < args.length)
            {
                config.setting(arg.substring(2), args[++i]);
            }
            else
            {
                throw new UsageException("flag " + arg + " needs a value");
            }
        }
        return rest;
    }

    private static picocli.CommandLine parser(final TokenCommand tokenCommand)
    {
        final picocli.CommandLine.Model.CommandSpec spec = picocli.CommandLine.Model.CommandSpec.create()
            .name("ringcast-server")
            .mixinStandardHelpOptions(true)
            .version("ringcast-server " + version());
        spec.usageMessage()
            .description("Ringcast SSE hub: GET /events, POST /publish, GET /metrics, GET /healthz, GET / (demo).",
                "Every flag can also be set by the environment variable shown; a flag wins over it.")
            .footerHeading("%nRelay settings:%n")
            .footer("  --pg-NAME=VALUE     any other relay setting, passed to the relay as given (env RINGCAST_PG_NAME)",
                "",
                "Exit codes: 0 after a clean shutdown (SIGTERM), 1 when the server cannot start, 2 for bad flags.",
                "'ringcast-server token --help' shows how to mint a token for the configured key.")
            .width(110)
            .longOptionsMaxWidth(34)
            .sortOptions(false)
            .abbreviateSynopsis(true);
        for (final Option o : OPTIONS)
        {
            spec.addOption(picocli.CommandLine.Model.OptionSpec.builder("--" + o.name())
                .paramLabel(o.argument())
                .type(String.class)
                .description(o.help() + " (env " + o.env() + ")")
                .scopeType(KEY_FLAGS.contains(o.name()) ? picocli.CommandLine.ScopeType.INHERIT :
                    picocli.CommandLine.ScopeType.LOCAL)
                .build());
        }
        final picocli.CommandLine parser = new picocli.CommandLine(spec)
            .setExpandAtFiles(false)
            .setOverwrittenOptionsAllowed(true);
        parser.addSubcommand("token", new picocli.CommandLine(tokenCommand)
            .setExpandAtFiles(false)
            .setOverwrittenOptionsAllowed(true));
        return parser;
    }

    /** The flags that name the key, accepted after {@code token} as well. */
    private static final List<String> KEY_FLAGS = List.of("jwt-secret", "jwt-key-file");

    private static UsageException usage(final picocli.CommandLine.ParameterException e)
    {
        if (e instanceof picocli.CommandLine.UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty())
        {
            final String first = unmatched.getUnmatched().get(0);
            if (first.startsWith("-"))
            {
                final String name = first.split("=", 2)[0];
                final List<String> suggestions = similarFlags(name);
                return new UsageException("unknown flag " + name +
                    (suggestions.isEmpty() ? "" : "; did you mean " + String.join(" or ", suggestions) + "?") +
                    " (--help lists them)");
            }
            return new UsageException("unexpected argument '" + first + "'; flags look like --port 8080");
        }
        if (e instanceof picocli.CommandLine.MissingParameterException missing && !missing.getMissing().isEmpty() &&
            missing.getMissing().get(0) instanceof picocli.CommandLine.Model.OptionSpec option)
        {
            return new UsageException("flag " + option.longestName() + " needs a value");
        }
        return new UsageException(e.getMessage());
    }

    /** @return the flags within two edits of {@code flag} ({@code --prot} -> {@code --port}). */
    static List<String> similarFlags(final String flag)
    {
        final List<String> similar = new ArrayList<>();
        for (final Option o : OPTIONS)
        {
            if (editDistance(flag, "--" + o.name()) <= 2)
            {
                similar.add("--" + o.name());
            }
        }
        return similar;
    }

    private static int editDistance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Option findEnv(final String variable)
    {
        for (final Option o : OPTIONS)
        {
            if (o.env().equals(variable))
            {
                return o;
            }
        }
        return null;
    }

    private static Option find(final String name)
    {
        for (final Option o : OPTIONS)
        {
            if (o.name().equals(name))
            {
                return o;
            }
        }
        return null;
    }

    private static void apply(final ServerConfig config, final Option option, final String value, final String source)
    {
        try
        {
            option.apply().accept(config, value);
        }
        catch (final UsageException e)
        {
            throw new UsageException(source + ": " + e.getMessage());
        }
        catch (final IllegalArgumentException e)
        {
            throw new UsageException(source + ": " + e.getMessage());
        }
    }

    private static int integer(final String name, final String value)
    {
        final long n = number(name, value);
        if (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE)
        {
            throw new UsageException("'" + value + "' is out of range");
        }
        return (int)n;
    }

    private static long number(final String name, final String value)
    {
        try
        {
            return Long.parseLong(value.trim().replace("_", ""));
        }
        catch (final NumberFormatException e)
        {
            throw new UsageException("'" + value + "' is not a whole number");
        }
    }

    private static boolean bool(final String name, final String value)
    {
        return switch (value.trim().toLowerCase(Locale.ROOT))
        {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new UsageException("'" + value + "' is not true or false");
        };
    }

    private static io.ringcast.engine.WaitStrategyKind waitStrategy(final String value)
    {
        return switch (value.trim().toLowerCase(Locale.ROOT))
        {
            case "blocking" -> io.ringcast.engine.WaitStrategyKind.BLOCKING;
            case "yielding" -> io.ringcast.engine.WaitStrategyKind.YIELDING;
            case "busy-spin", "busy_spin" -> io.ringcast.engine.WaitStrategyKind.BUSY_SPIN;
            case "publisher-assisted", "publisher_assisted" -> io.ringcast.engine.WaitStrategyKind.PUBLISHER_ASSISTED;
            default -> throw new UsageException("'" + value + "' is not a wait strategy; use blocking, " +
                "publisher-assisted, yielding or busy-spin");
        };
    }

    private static DispatcherPlacement dispatcher(final String value)
    {
        return switch (value.trim().toLowerCase(Locale.ROOT))
        {
            case "auto" -> DispatcherPlacement.AUTO;
            case "loop" -> DispatcherPlacement.LOOP;
            case "thread" -> DispatcherPlacement.THREAD;
            default -> throw new UsageException("'" + value + "' is not a dispatcher placement; use auto, loop or thread");
        };
    }

    private static SlowClientPolicy policy(final String value)
    {
        return switch (value.trim().toLowerCase(Locale.ROOT))
        {
            case "disconnect" -> SlowClientPolicy.DISCONNECT;
            case "drop" -> SlowClientPolicy.DROP;
            default -> throw new UsageException("'" + value + "' is not a policy; use disconnect or drop");
        };
    }

    static List<String> flagNames()
    {
        final List<String> names = new ArrayList<>();
        for (final Option o : OPTIONS)
        {
            names.add(o.name());
        }
        return names;
    }
}
