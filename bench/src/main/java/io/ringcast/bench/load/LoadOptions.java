package io.ringcast.bench.load;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command-line settings of {@link SseLoad}, as fluent pairs with defaults and validation in one place.
 * Not thread-safe: parsed on the main thread before the run starts, read-only afterwards.
 */
final class LoadOptions
{
    /** Publishing one event per {@code POST /publish} or many per NDJSON body. */
    enum Mode
    {
        SINGLE, NDJSON
    }

    /** The server under load: Ringcast's API, or nginx + Nchan with the same events. */
    enum Target
    {
        /** {@code GET /events?topic=T}, {@code POST /publish} with {@code {"topic":T,"data":…}}. */
        RINGCAST,
        /** {@code GET /sub/T} (EventSource), {@code POST /pub/T} with the data object as the body: bench/peers/nchan. */
        NCHAN
    }

    static final String HELP = String.join("\n",
        "Usage: java -cp benchmarks.jar io.ringcast.bench.load.SseLoad [options]",
        "",
        "Opens N SSE streams over T topics on a Ringcast server, publishes at rate R for D seconds and reports",
        "connected streams, delivered events/s, lost and duplicated events, publish->receive latency percentiles",
        "(send time embedded in each payload, same clock) and the load tool's own CPU time.",
        "",
        "  --url URL               server base URL (default http://127.0.0.1:8080)",
        "  --target ringcast|nchan the server's API: Ringcast's, or nginx + Nchan's /sub/T and /pub/T as configured",
        "                          by bench/peers/nchan/nchan.sh (default ringcast)",
        "  --streams N             SSE streams to open (default 1000)",
        "  --topics T              topics, stream i reads topic i % T (default 10)",
        "  --rate R                events published per second in total; 0 = as fast as the publishers go (default 2000)",
        "  --duration D            measured seconds (default 30)",
        "  --warmup W              seconds published before the measured window; not reported (default 5)",
        "  --mode single|ndjson    one event per POST, or NDJSON batches (default single)",
        "  --batch B               events per NDJSON POST (default 100)",
        "  --publishers P          publishing HTTP connections (default 4)",
        "  --pipeline D            requests in flight on each publishing connection (HTTP/1.1 pipelining; default 1)",
        "  --ramp FROM,STEP,MAX    find the highest rate the server carries: the warm-up publishes FROM events/s, then",
        "                          the rate rises by STEP every --step-seconds until a step fails or MAX is passed. A",
        "                          step fails when a stream closes, a publish is refused or fails, or it ends with the",
        "                          publisher more than 5 % of the step's events behind or more than 5 % of its",
        "                          deliveries owed and not arrived. Reports every step, the ceiling (the last step that",
        "                          passed) and the loss over the passed steps; --rate and --duration are not used",
        "  --step-seconds S        length of one ramp step (default 4)",
        "  --payload BYTES         approximate payload size in bytes (default 100)",
        "  --threads N             client event-loop threads (default 1)",
        "  --connect-concurrency C connections opened concurrently while connecting (default 256)",
        "  --drain-ms MS           wait after the last publish for stragglers before counting losses (default 3000)",
        "  --token JWT             bearer token for publish and subscribe (when the server has auth on)",
        "  --prefix NAME           topic name prefix (default load)",
        "  --server-pid PID        also report the CPU time of that local process and its children (nginx's workers)",
        "                          over the window (Linux /proc)",
        "  --help                  this text");

    private URI url = URI.create("http://127.0.0.1:8080");
    private int streams = 1000;
    private int topics = 10;
    private int rate = 2000;
    private int durationS = 30;
    private int warmupS = 5;
    private Mode mode = Mode.SINGLE;
    private Target target = Target.RINGCAST;
    private int batch = 100;
    private int publishers = 4;
    private int pipeline = 1;
    private int[] ramp;
    private int stepSeconds = 4;
    private int payloadBytes = 100;
    private int threads = 1;
    private int connectConcurrency = 256;
    private long drainMs = 3000;
    private String token;
    private String prefix = "load";
    private long serverPid = -1;

    static LoadOptions parse(final String[] args)
    {
        final Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++)
        {
            final String flag = args[i];
            if (!flag.startsWith("--"))
            {
                throw new IllegalArgumentException("unexpected argument '" + flag + "'; see --help");
            }
            if (flag.equals("--help"))
            {
                values.put("help", "");
                continue;
            }
            final int eq = flag.indexOf('=');
            if (eq > 0)
            {
                values.put(flag.substring(2, eq), flag.substring(eq + 1));
            }
            else
            {
                if (i + 1 >= args.length)
                {
                    throw new IllegalArgumentException(flag + " needs a value; see --help");
                }
                values.put(flag.substring(2), args[++i]);
            }
        }
        final LoadOptions o = new LoadOptions();
        for (final Map.Entry<String, String> e : values.entrySet())
        {
            o.set(e.getKey(), e.getValue());
        }
        o.validate();
        return o;
    }

    private void set(final String name, final String value)
    {
        switch (name)
        {
            case "help" -> throw new HelpRequested();
            case "url" -> url = URI.create(value);
            case "streams" -> streams = integer(name, value);
            case "topics" -> topics = integer(name, value);
            case "rate" -> rate = integer(name, value);
            case "duration" -> durationS = integer(name, value);
            case "warmup" -> warmupS = integer(name, value);
            case "mode" -> mode = switch (value)
            {
                case "single" -> Mode.SINGLE;
                case "ndjson" -> Mode.NDJSON;
                default -> throw new IllegalArgumentException("--mode is single or ndjson, got '" + value + "'");
            };
            case "target" -> target = switch (value)
            {
                case "ringcast" -> Target.RINGCAST;
                case "nchan" -> Target.NCHAN;
                default -> throw new IllegalArgumentException("--target is ringcast or nchan, got '" + value + "'");
            };
            case "batch" -> batch = integer(name, value);
            case "publishers" -> publishers = integer(name, value);
            case "pipeline" -> pipeline = integer(name, value);
            case "ramp" -> ramp = ramp(value);
            case "step-seconds" -> stepSeconds = integer(name, value);
            case "payload" -> payloadBytes = integer(name, value);
            case "threads" -> threads = integer(name, value);
            case "connect-concurrency" -> connectConcurrency = integer(name, value);
            case "drain-ms" -> drainMs = integer(name, value);
            case "token" -> token = value;
            case "prefix" -> prefix = value;
            case "server-pid" -> serverPid = integer(name, value);
            default -> throw new IllegalArgumentException("unknown option --" + name + "; see --help");
        }
    }

    private static int integer(final String name, final String value)
    {
        try
        {
            return Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("--" + name + " takes an integer, got '" + value + "'");
        }
    }

    private static int[] ramp(final String value)
    {
        final String[] parts = value.split(",");
        if (parts.length != 3)
        {
            throw new IllegalArgumentException("--ramp is FROM,STEP,MAX in events/s, got '" + value + "'");
        }
        final int[] r = {integer("ramp", parts[0].trim()), integer("ramp", parts[1].trim()),
            integer("ramp", parts[2].trim())};
        if (r[0] <= 0 || r[1] <= 0 || r[2] < r[0])
        {
            throw new IllegalArgumentException("--ramp needs FROM > 0, STEP > 0 and MAX >= FROM, got '" + value + "'");
        }
        return r;
    }

    private void validate()
    {
        if (!"http".equals(url.getScheme()) || url.getHost() == null)
        {
            throw new IllegalArgumentException("--url must be http://host[:port], got " + url);
        }
        positive("streams", streams);
        positive("topics", topics);
        positive("duration", durationS);
        positive("batch", batch);
        positive("publishers", publishers);
        positive("pipeline", pipeline);
        positive("step-seconds", stepSeconds);
        positive("threads", threads);
        positive("connect-concurrency", connectConcurrency);
        if (target == Target.NCHAN && (mode == Mode.NDJSON || token != null))
        {
            throw new IllegalArgumentException("--target nchan publishes one event per POST without a token: " +
                "drop --mode ndjson and --token");
        }
        if (rate < 0 || warmupS < 0 || drainMs < 0 || payloadBytes < 0)
        {
            throw new IllegalArgumentException("--rate, --warmup, --drain-ms and --payload must not be negative");
        }
    }

    private static void positive(final String name, final int value)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException("--" + name + " must be positive, got " + value);
        }
    }

    /** Thrown by {@link #parse} for {@code --help}. */
    static final class HelpRequested extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        HelpRequested()
        {
            super("help", null, false, false);
        }
    }

    String host()
    {
        return url.getHost();
    }

    int port()
    {
        return url.getPort() < 0 ? 80 : url.getPort();
    }

    int streams()
    {
        return streams;
    }

    int topics()
    {
        return topics;
    }

    /** @return the publishing rate: the ramp's first step with {@code --ramp}. */
    int rate()
    {
        return ramp == null ? rate : ramp[0];
    }

    int durationS()
    {
        return durationS;
    }

    int warmupS()
    {
        return warmupS;
    }

    Mode mode()
    {
        return mode;
    }

    Target target()
    {
        return target;
    }

    /** @return the request path of an SSE stream that reads one topic, on the target server. */
    String subscribePath(final int topic)
    {
        return target == Target.NCHAN ? "/sub/" + topic(topic) :
            "/events?topic=" + topic(topic) + (token == null ? "" : "&access_token=" + token);
    }

    int batch()
    {
        return mode == Mode.SINGLE ? 1 : batch;
    }

    int publishers()
    {
        return publishers;
    }

    int pipeline()
    {
        return pipeline;
    }

    /** @return {@code {from, step, max}} events/s, or {@code null} without {@code --ramp}. */
    int[] ramp()
    {
        return ramp;
    }

    int stepSeconds()
    {
        return stepSeconds;
    }

    int payloadBytes()
    {
        return payloadBytes;
    }

    int threads()
    {
        return threads;
    }

    int connectConcurrency()
    {
        return connectConcurrency;
    }

    long drainMs()
    {
        return drainMs;
    }

    String token()
    {
        return token;
    }

    long serverPid()
    {
        return serverPid;
    }

    String topic(final int index)
    {
        return prefix + "/" + index;
    }

    String describe()
    {
        return "target=" + target.name().toLowerCase() + " url=" + url + " streams=" + streams + " topics=" + topics +
            (ramp == null ? " rate=" + rate + "/s duration=" + durationS + "s" :
                " ramp=" + ramp[0] + "," + ramp[1] + "," + ramp[2] + " step=" + stepSeconds + "s") + " warmup=" +
            warmupS + "s mode=" + mode.name().toLowerCase() + (mode == Mode.NDJSON ? " batch=" + batch : "") +
            " publishers=" + publishers + " pipeline=" + pipeline + " payload=" + payloadBytes + "B threads=" + threads;
    }
}
