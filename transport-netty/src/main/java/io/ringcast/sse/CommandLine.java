package io.ringcast.sse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The server's flags: each {@code --name value} (or {@code --name=value}) is also read from the environment variable
 * {@code RINGCAST_NAME} (upper case, dashes as underscores); a flag overrides its variable. Flags starting with
 * {@code --pg-} (and {@code RINGCAST_PG_*} variables) go to the replication settings as they are. Stateless.
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

    private record Option(String name, String argument, String help, BiConsumer<ServerConfig, String> apply)
    {
        String env()
        {
            return "RINGCAST_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        }
    }

    /** The journal's directory under the working directory unless {@code --data-dir} says otherwise. */
    static final String DEFAULT_DATA_DIR = "ringcast-data";

    private static final List<Option> OPTIONS = List.of(
        new Option("bind", "ADDRESS", "address to listen on; non-loopback needs a JWT key (default " +
            ServerConfig.DEFAULT_BIND_ADDRESS + ")", ServerConfig::bindAddress),
        new Option("port", "PORT", "TCP port, 0 for any free one (default " + ServerConfig.DEFAULT_PORT + ")",
            (c, v) -> c.port(integer("port", v))),
        new Option("ring-size", "SLOTS", "engine ring slots, a power of two (default 16384)",
            (c, v) -> c.ringSize(integer("ring-size", v))),
        new Option("data-dir", "DIR", "journal directory: events on disk for resume across restarts and " +
            "ack=durable, or 'none' for memory only (default ./" + DEFAULT_DATA_DIR + ")",
            (c, v) -> c.dataDir(v.isBlank() || v.equals("none") ? null : Path.of(v))),
        new Option("retention-bytes", "BYTES", "journal size kept, oldest whole segments deleted beyond (default " +
            "10 GiB)", (c, v) -> c.retentionBytes(number("retention-bytes", v))),
        new Option("retention-ms", "MS", "journal age kept, older whole segments deleted (default 7 days)",
            (c, v) -> c.retentionMs(number("retention-ms", v))),
        new Option("consumers", "LIST", "named durable consumers, NAME[:SEEK] comma-separated; SEEK = beginning " +
            "(default), latest, after:ID, time:EPOCH_MS", (c, v) ->
            {
                for (final String item : v.split(","))
                {
                    final String t = item.trim();
                    if (!t.isEmpty())
                    {
                        final int colon = t.indexOf(':');
                        c.consumer(colon < 0 ? t : t.substring(0, colon), colon < 0 ? "beginning" : t.substring(colon + 1));
                    }
                }
            }),
        new Option("history-size", "EVENTS", "events kept for Last-Event-ID resume (default 65536)",
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
        new Option("io-threads", "N", "Netty event loops, 0 = cores - 1, at least 1 (default 0)",
            (c, v) -> c.ioThreads(integer("io-threads", v))),
        new Option("jwt-secret", "SECRET", "HS256 secret (>= 32 bytes); turns auth on", ServerConfig::jwtSecret),
        new Option("jwt-key-file", "FILE", "PEM public key or JWK (RSA: RS*/PS*, EC: ES*); turns auth on",
            (c, v) -> c.jwtKeyFile(Path.of(v))),
        new Option("cors-origins", "LIST", "comma-separated allowed origins, or * (default none)",
            (c, v) -> c.corsOrigins(v.isBlank() ? List.of() : Arrays.stream(v.split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList())),
        new Option("node-id", "ID", "this node's id, [A-Za-z0-9._-]{1,64} (default " + ServerConfig.DEFAULT_NODE_ID +
            ")", ServerConfig::nodeId),
        new Option("slow-client", "POLICY", "disconnect (default; client resumes) or drop (drop and count)",
            (c, v) -> c.slowClientPolicy(policy(v))),
        new Option("wait-strategy", "KIND", "engine dispatcher wait: blocking (default), yielding, busy-spin",
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

    /** @return {@code true} when the arguments ask for help. */
    static boolean wantsHelp(final String[] args)
    {
        return Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h");
    }

    /**
     * @param args the command-line arguments.
     * @param env  the environment.
     * @return the configuration (not yet validated).
     * @throws UsageException for an unknown flag, a missing value or an unparsable number.
     */
    static ServerConfig parse(final String[] args, final Map<String, String> env)
    {
        final ServerConfig config = new ServerConfig().dataDir(Path.of(DEFAULT_DATA_DIR));
        for (final Option option : OPTIONS)
        {
            final String value = env.get(option.env());
            if (value != null)
            {
                apply(config, option, value, option.env());
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
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2)
            {
                throw new UsageException("unexpected argument '" + arg + "'; flags look like --port 8080");
            }
            final int eq = arg.indexOf('=');
            final String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            final Option option = find(name);
            if (option == null && !name.startsWith("pg-"))
            {
                throw new UsageException("unknown flag --" + name + "; --help lists them");
            }
            final String value;
            if (eq >= 0)
            {
                value = arg.substring(eq + 1);
            }
            else if (i + 1 < args.length)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException("flag --" + name + " needs a value");
            }
            if (option != null)
            {
                apply(config, option, value, "--" + name);
            }
            else
            {
                config.setting(name, value);
            }
        }
        return config;
    }

    static String help()
    {
        final StringBuilder b = new StringBuilder(4096)
            .append("Usage: java -jar ringcast-server.jar [--flag value | --flag=value]...\n\n")
            .append("Ringcast SSE hub: GET /events, POST /publish, GET /metrics, GET /healthz, GET / (demo).\n")
            .append("Every flag can also be set by the environment variable shown; a flag wins over it.\n\n");
        for (final Option o : OPTIONS)
        {
            helpLine(b, "--" + o.name() + " " + o.argument(), o.help(), "env " + o.env());
        }
        helpLine(b, "--pg-* VALUE", "other relay settings, passed to the relay as given", "env RINGCAST_PG_*");
        helpLine(b, "--help", "this text", null);
        b.append("\nExit codes: 0 after a clean shutdown (SIGTERM), 1 when the server cannot start, 2 for bad flags.\n");
        return b.toString();
    }

    private static void helpLine(final StringBuilder b, final String flag, final String text, final String env)
    {
        final int column = 36;
        final String left = "  " + flag;
        b.append(left).append(" ".repeat(Math.max(2, column - left.length()))).append(text).append('\n');
        if (env != null)
        {
            b.append(" ".repeat(column)).append(env).append('\n');
        }
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
            default -> throw new UsageException("'" + value + "' is not a wait strategy; use blocking, yielding or busy-spin");
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
