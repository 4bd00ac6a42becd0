package io.ringcast.sse;

import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.WaitStrategyKind;
import io.ringcast.engine.spi.DurableStoreProvider;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of a {@link RingcastServer}, as fluent pairs ({@code port(int)} sets, {@code port()} reads). Defaults are
 * the {@code DEFAULT_*} constants; {@link #validate()} rejects an invalid setting with an
 * {@link IllegalArgumentException} naming it and its accepted range.
 *
 * <p>Not thread-safe: configure on one thread, then hand it to {@link RingcastServer#start(ServerConfig)}, which keeps
 * using the instance, so do not change it afterwards.
 */
public final class ServerConfig
{
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;
    public static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 15_000;
    public static final long DEFAULT_RETRY_MS = 2_000;
    public static final int DEFAULT_MAX_CONNECTIONS = 50_000;
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final int DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_INITIAL_LINE_BYTES = 8 * 1024;
    public static final long DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
    public static final long DEFAULT_IDLE_TIMEOUT_MS = 60_000;
    public static final long DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;
    public static final int DEFAULT_DRAIN_BATCH = 256;
    /** Per-stream budget of event bytes written to a connection and not yet taken by its socket. */
    public static final int DEFAULT_STREAM_BUFFER_BYTES = 1024 * 1024;
    /** 0: the global budget of unwritten bytes is {@link #DEFAULT_PENDING_BYTES_HEAP_FRACTION} of the max heap. */
    public static final long DEFAULT_PENDING_BYTES_BUDGET = 0;
    /** The default global budget of unwritten bytes, as a fraction of {@code Runtime.maxMemory()}. */
    public static final double DEFAULT_PENDING_BYTES_HEAP_FRACTION = 0.25;
    /** A stream whose written bytes have not reached its socket within this long is cut off. */
    public static final long DEFAULT_WRITE_TIMEOUT_MS = 30_000;
    public static final String DEFAULT_NODE_ID = "local";
    /** Shortest HS256 secret accepted, in bytes (RFC 7518 section 3.2: at least the hash size). */
    public static final int MIN_JWT_SECRET_BYTES = 32;
    /** Shortest metrics token accepted, in bytes. */
    public static final int MIN_METRICS_TOKEN_BYTES = 16;

    private String bindAddress = DEFAULT_BIND_ADDRESS;
    private int port = DEFAULT_PORT;
    private int ringSize = EngineConfig.DEFAULT_RING_SIZE;
    private int historySize = EngineConfig.DEFAULT_HISTORY_MAX_EVENTS;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private long heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
    private long retryMs = DEFAULT_RETRY_MS;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int maxEventBytes = DEFAULT_MAX_EVENT_BYTES;
    private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
    private int maxInitialLineBytes = DEFAULT_MAX_INITIAL_LINE_BYTES;
    private long requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
    private long idleTimeoutMs = DEFAULT_IDLE_TIMEOUT_MS;
    private long shutdownTimeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS;
    private int drainBatch = DEFAULT_DRAIN_BATCH;
    private int streamBufferBytes = DEFAULT_STREAM_BUFFER_BYTES;
    private long pendingBytesBudget = DEFAULT_PENDING_BYTES_BUDGET;
    private long writeTimeoutMs = DEFAULT_WRITE_TIMEOUT_MS;
    private int ioThreads;
    private String jwtSecret;
    private Path jwtKeyFile;
    private String jwtAudience;
    private String jwtIssuer;
    private boolean jwtAllowNoExp;
    private String metricsToken;
    private List<String> corsOrigins = List.of();
    private String nodeId = DEFAULT_NODE_ID;
    private SlowClientPolicy slowClientPolicy = SlowClientPolicy.DISCONNECT;
    private boolean nativeTransport = true;
    private WaitStrategyKind waitStrategy = WaitStrategyKind.BLOCKING;
    private Path tlsCert;
    private Path tlsKey;
    private DispatcherPlacement dispatcher = DispatcherPlacement.AUTO;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Path dataDir;
    private final Map<String, String> consumers = new LinkedHashMap<>();
    private long retentionBytes = DEFAULT_RETENTION_BYTES;
    private long retentionMs = DEFAULT_RETENTION_MS;
    private long journalWriteIntervalMs = DurableStoreProvider.DEFAULT_WRITE_INTERVAL_MS;
    private long journalSyncIntervalMs = DurableStoreProvider.DEFAULT_SYNC_INTERVAL_MS;

    /** The journal keeps at most this many bytes of segments by default (10 GiB). */
    public static final long DEFAULT_RETENTION_BYTES = 10L << 30;
    /** The journal keeps segments at most this long by default (7 days). */
    public static final long DEFAULT_RETENTION_MS = 7L * 24 * 3600 * 1000;

    /**
     * @param directory where the journal keeps every event on disk (resume across restarts, durable acks), or
     *                  {@code null} to keep events in memory only. Default {@code null} for an embedded server; the
     *                  command line defaults to {@code ./ringcast-data}.
     */
    public ServerConfig dataDir(final Path directory)
    {
        this.dataDir = directory;
        return this;
    }

    /** @return the journal's directory, or {@code null} for memory only. */
    public Path dataDir()
    {
        return dataDir;
    }

    /**
     * @param name a named durable consumer of the journal, {@code [a-z0-9_]{1,48}}.
     * @param seek where it starts before its first commit: {@code beginning}, {@code latest}, {@code after:<id>},
     *             {@code time:<epoch ms>}.
     */
    public ServerConfig consumer(final String name, final String seek)
    {
        consumers.put(name, seek);
        return this;
    }

    /** @return the named consumers and their seeks, in order. */
    public Map<String, String> consumers()
    {
        return Map.copyOf(consumers);
    }

    /** @param bytes the journal deletes its oldest whole segments beyond this many bytes. */
    public ServerConfig retentionBytes(final long bytes)
    {
        this.retentionBytes = bytes;
        return this;
    }

    public long retentionBytes()
    {
        return retentionBytes;
    }

    /** @param ms the journal deletes whole segments whose newest event is older than this. */
    public ServerConfig retentionMs(final long ms)
    {
        this.retentionMs = ms;
        return this;
    }

    public long retentionMs()
    {
        return retentionMs;
    }

    /**
     * @param ms while events flow, the journal writes what it was handed at least this often (default 5, at most
     *           1000): a {@code kill -9} loses at most this window of memory-acknowledged events. 0 wakes the writer
     *           after every dispatcher batch (more wake-ups, each competing with the event loops for a core).
     */
    public ServerConfig journalWriteIntervalMs(final long ms)
    {
        this.journalWriteIntervalMs = ms;
        return this;
    }

    public long journalWriteIntervalMs()
    {
        return journalWriteIntervalMs;
    }

    /**
     * @param ms written journal data is synced to the device at least this often (default 1000): power loss loses at
     *           most this window of memory-acknowledged events. 0 syncs after every write. Durable acknowledgements
     *           sync at once whatever this says.
     */
    public ServerConfig journalSyncIntervalMs(final long ms)
    {
        this.journalSyncIntervalMs = ms;
        return this;
    }

    public long journalSyncIntervalMs()
    {
        return journalSyncIntervalMs;
    }

    /** @param address the address to listen on; a non-loopback address requires a JWT key. Default 127.0.0.1. */
    public ServerConfig bindAddress(final String address)
    {
        this.bindAddress = address;
        return this;
    }

    public String bindAddress()
    {
        return bindAddress;
    }

    /** @param port TCP port in [0, 65535]; 0 picks a free one (read it back from {@link RingcastServer#port()}). */
    public ServerConfig port(final int port)
    {
        this.port = port;
        return this;
    }

    public int port()
    {
        return port;
    }

    /** @param slots engine ring slots, a power of two. */
    public ServerConfig ringSize(final int slots)
    {
        this.ringSize = slots;
        return this;
    }

    public int ringSize()
    {
        return ringSize;
    }

    /** @param events events kept in memory for resume ({@code Last-Event-ID}); 0 disables resume from memory. */
    public ServerConfig historySize(final int events)
    {
        this.historySize = events;
        return this;
    }

    public int historySize()
    {
        return historySize;
    }

    /** @param events per-stream queue capacity; overflow triggers the {@link #slowClientPolicy()}. */
    public ServerConfig queueCapacity(final int events)
    {
        this.queueCapacity = events;
        return this;
    }

    public int queueCapacity()
    {
        return queueCapacity;
    }

    /** @param ms an idle stream gets a comment line this often, in [100, 3600000]. */
    public ServerConfig heartbeatIntervalMs(final long ms)
    {
        this.heartbeatIntervalMs = ms;
        return this;
    }

    public long heartbeatIntervalMs()
    {
        return heartbeatIntervalMs;
    }

    /** @param ms the reconnection delay sent to clients in the first {@code retry:} frame. */
    public ServerConfig retryMs(final long ms)
    {
        this.retryMs = ms;
        return this;
    }

    public long retryMs()
    {
        return retryMs;
    }

    /** @param connections open connections beyond this are answered 503 and closed. */
    public ServerConfig maxConnections(final int connections)
    {
        this.maxConnections = connections;
        return this;
    }

    public int maxConnections()
    {
        return maxConnections;
    }

    /** @param bytes largest {@code POST /publish} body; larger gets 413. */
    public ServerConfig maxBodyBytes(final int bytes)
    {
        this.maxBodyBytes = bytes;
        return this;
    }

    public int maxBodyBytes()
    {
        return maxBodyBytes;
    }

    /** @param bytes largest {@code data} of one event; larger gets 413. */
    public ServerConfig maxEventBytes(final int bytes)
    {
        this.maxEventBytes = bytes;
        return this;
    }

    public int maxEventBytes()
    {
        return maxEventBytes;
    }

    /** @param bytes largest total of request headers; larger gets 431. */
    public ServerConfig maxHeaderBytes(final int bytes)
    {
        this.maxHeaderBytes = bytes;
        return this;
    }

    public int maxHeaderBytes()
    {
        return maxHeaderBytes;
    }

    /** @param bytes longest request line; longer gets 414. */
    public ServerConfig maxInitialLineBytes(final int bytes)
    {
        this.maxInitialLineBytes = bytes;
        return this;
    }

    public int maxInitialLineBytes()
    {
        return maxInitialLineBytes;
    }

    /** @param ms a request (headers and body) must arrive within this long of its first byte, else 408 and close. */
    public ServerConfig requestTimeoutMs(final long ms)
    {
        this.requestTimeoutMs = ms;
        return this;
    }

    public long requestTimeoutMs()
    {
        return requestTimeoutMs;
    }

    /** @param ms a keep-alive connection with no request in flight (not a stream) is closed after this long. */
    public ServerConfig idleTimeoutMs(final long ms)
    {
        this.idleTimeoutMs = ms;
        return this;
    }

    public long idleTimeoutMs()
    {
        return idleTimeoutMs;
    }

    /** @param ms how long a graceful shutdown waits for in-flight requests and stream flushes. */
    public ServerConfig shutdownTimeoutMs(final long ms)
    {
        this.shutdownTimeoutMs = ms;
        return this;
    }

    public long shutdownTimeoutMs()
    {
        return shutdownTimeoutMs;
    }

    /** @param events most events one stream writes per flush. */
    public ServerConfig drainBatch(final int events)
    {
        this.drainBatch = events;
        return this;
    }

    public int drainBatch()
    {
        return drainBatch;
    }

    /**
     * @param bytes per-stream budget, in [4096, 1 GiB], for event bytes written to the connection and not yet taken
     *              by its socket. An event that does not fit is the slow-client case: the {@link #slowClientPolicy()}
     *              applies (disconnect, or drop and count). Default 1 MiB.
     */
    public ServerConfig streamBufferBytes(final int bytes)
    {
        this.streamBufferBytes = bytes;
        return this;
    }

    public int streamBufferBytes()
    {
        return streamBufferBytes;
    }

    /**
     * @param bytes the budget for unwritten bytes of all streams together; a stream that is behind (holds unwritten
     *              bytes) when the total is over it is a slow client. 0 (the default) means
     *              {@link #DEFAULT_PENDING_BYTES_HEAP_FRACTION} of the max heap.
     */
    public ServerConfig pendingBytesBudget(final long bytes)
    {
        this.pendingBytesBudget = bytes;
        return this;
    }

    /** @return the configured budget, 0 for the default (see {@link #effectivePendingBytesBudget()}). */
    public long pendingBytesBudget()
    {
        return pendingBytesBudget;
    }

    /** @return the global budget of unwritten bytes in force: the configured one, or a fraction of the max heap. */
    public long effectivePendingBytesBudget()
    {
        return pendingBytesBudget > 0 ?
            pendingBytesBudget : (long)(Runtime.getRuntime().maxMemory() * DEFAULT_PENDING_BYTES_HEAP_FRACTION);
    }

    /**
     * @param ms a stream whose written bytes have not all reached its socket within this long (the client stopped
     *           reading) is cut off, in [100, 3600000]. Default 30 s.
     */
    public ServerConfig writeTimeoutMs(final long ms)
    {
        this.writeTimeoutMs = ms;
        return this;
    }

    public long writeTimeoutMs()
    {
        return writeTimeoutMs;
    }

    /**
     * @param threads Netty event-loop threads; 0 (the default) means one per core but one, at least one: the engine's
     *                dispatcher keeps a core busy under load, and more loops than free cores cost more in context
     *                switches than they add (on 2 cores, 4 loops tripled the p99 of a 1,000-stream load against 1
     *                loop; see docs/BENCHMARKS.md). Netty's own default would be 2 x cores.
     */
    public ServerConfig ioThreads(final int threads)
    {
        this.ioThreads = threads;
        return this;
    }

    /** @return the configured event-loop count, 0 for {@link #effectiveIoThreads()}'s default. */
    public int ioThreads()
    {
        return ioThreads;
    }

    /** @return the event-loop count the server starts: the configured one, or cores - 1 (at least 1) for 0. */
    public int effectiveIoThreads()
    {
        return ioThreads > 0 ? ioThreads : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /**
     * @param placement where the engine's dispatcher runs. {@link DispatcherPlacement#AUTO} (the default): on the
     *                  event loop when there is exactly one (no thread hand-off per publish, one thread less competing
     *                  for the cores; see docs/BENCHMARKS.md), on its own thread otherwise.
     */
    public ServerConfig dispatcher(final DispatcherPlacement placement)
    {
        this.dispatcher = java.util.Objects.requireNonNull(placement, "placement");
        return this;
    }

    public DispatcherPlacement dispatcher()
    {
        return dispatcher;
    }

    /** @return {@code true} when the dispatcher runs on an event loop, {@link #dispatcher()} resolved. */
    public boolean dispatchOnEventLoop()
    {
        return dispatcher == DispatcherPlacement.LOOP ||
            dispatcher == DispatcherPlacement.AUTO && effectiveIoThreads() == 1;
    }

    /** @param secret HS256 secret, at least {@value #MIN_JWT_SECRET_BYTES} bytes; {@code null} for none. */
    public ServerConfig jwtSecret(final String secret)
    {
        this.jwtSecret = secret;
        return this;
    }

    public String jwtSecret()
    {
        return jwtSecret;
    }

    /** @param file a PEM public key (RSA or EC) or a JWK / JWK set JSON file, for RS256 / ES256 tokens. */
    public ServerConfig jwtKeyFile(final Path file)
    {
        this.jwtKeyFile = file;
        return this;
    }

    public Path jwtKeyFile()
    {
        return jwtKeyFile;
    }

    /** @param audience the value a token's {@code aud} must hold; {@code null} (the default) accepts any. */
    public ServerConfig jwtAudience(final String audience)
    {
        this.jwtAudience = audience;
        return this;
    }

    public String jwtAudience()
    {
        return jwtAudience;
    }

    /** @param issuer the {@code iss} a token must carry; {@code null} (the default) accepts any. */
    public ServerConfig jwtIssuer(final String issuer)
    {
        this.jwtIssuer = issuer;
        return this;
    }

    public String jwtIssuer()
    {
        return jwtIssuer;
    }

    /**
     * @param allow accept tokens without {@code exp}, which never expire. Default {@code false}: such tokens are
     *              refused with 401.
     */
    public ServerConfig jwtAllowNoExp(final boolean allow)
    {
        this.jwtAllowNoExp = allow;
        return this;
    }

    public boolean jwtAllowNoExp()
    {
        return jwtAllowNoExp;
    }

    /**
     * @param token the bearer token {@code GET /metrics} requires ({@code Authorization: Bearer <token>}), at least
     *              {@value #MIN_METRICS_TOKEN_BYTES} bytes; {@code null} (the default) leaves {@code /metrics} open. {@code GET /stats} (the
     *              dashboard's figures) requires the same token.
     */
    public ServerConfig metricsToken(final String token)
    {
        this.metricsToken = token;
        return this;
    }

    public String metricsToken()
    {
        return metricsToken;
    }

    /** @return {@code true} when a JWT secret or key file is configured. */
    public boolean authEnabled()
    {
        return jwtSecret != null || jwtKeyFile != null;
    }

    /** @param origins origins allowed by CORS ({@code https://app.example}), or {@code "*"} for any; empty for none. */
    public ServerConfig corsOrigins(final List<String> origins)
    {
        this.corsOrigins = origins == null ? List.of() : List.copyOf(origins);
        return this;
    }

    public List<String> corsOrigins()
    {
        return corsOrigins;
    }

    /** @param nodeId this node's name, 1..64 chars of [A-Za-z0-9._-]. */
    public ServerConfig nodeId(final String nodeId)
    {
        this.nodeId = nodeId;
        return this;
    }

    public String nodeId()
    {
        return nodeId;
    }

    /** @param policy what a stream does when its queue overflows. Default {@link SlowClientPolicy#DISCONNECT}. */
    public ServerConfig slowClientPolicy(final SlowClientPolicy policy)
    {
        this.slowClientPolicy = policy;
        return this;
    }

    public SlowClientPolicy slowClientPolicy()
    {
        return slowClientPolicy;
    }

    /** @param enabled use the native epoll transport when available (NIO otherwise). Default {@code true}. */
    public ServerConfig nativeTransport(final boolean enabled)
    {
        this.nativeTransport = enabled;
        return this;
    }

    public boolean nativeTransport()
    {
        return nativeTransport;
    }

    /**
     * @param file the server's certificate chain, PEM ({@code CERTIFICATE} blocks, leaf first); with
     *             {@link #tlsKey(Path)} it turns TLS on (HTTP/2 by ALPN, HTTP/1.1 otherwise). {@code null} for none.
     */
    public ServerConfig tlsCert(final Path file)
    {
        this.tlsCert = file;
        return this;
    }

    public Path tlsCert()
    {
        return tlsCert;
    }

    /** @param file the certificate's private key, PEM {@code PRIVATE KEY} (PKCS#8, unencrypted); {@code null} for none. */
    public ServerConfig tlsKey(final Path file)
    {
        this.tlsKey = file;
        return this;
    }

    public Path tlsKey()
    {
        return tlsKey;
    }

    /** @return {@code true} when a certificate and key are configured. */
    public boolean tlsEnabled()
    {
        return tlsCert != null && tlsKey != null;
    }

    /** @param kind how the engine's dispatcher waits for events. Default {@link WaitStrategyKind#BLOCKING}. */
    public ServerConfig waitStrategy(final WaitStrategyKind kind)
    {
        this.waitStrategy = kind;
        return this;
    }

    public WaitStrategyKind waitStrategy()
    {
        return waitStrategy;
    }

    /**
     * Adds a setting for replication providers (flag name without dashes, for example {@code pg-url}).
     *
     * @return this.
     */
    public ServerConfig setting(final String name, final String value)
    {
        if (name == null || name.isEmpty())
        {
            throw new IllegalArgumentException("setting name must not be empty");
        }
        if (value == null)
        {
            settings.remove(name);
        }
        else
        {
            settings.put(name, value);
        }
        return this;
    }

    /**
     * Adds every entry of {@code settings} (see {@link #setting(String, String)}).
     *
     * @return this.
     */
    public ServerConfig settings(final Map<String, String> settings)
    {
        settings.forEach(this::setting);
        return this;
    }

    /** @return the settings handed to replication providers; includes {@code node-id}. */
    public Map<String, String> settings()
    {
        final Map<String, String> copy = new LinkedHashMap<>(settings);
        copy.put("node-id", nodeId);
        return copy;
    }

    /**
     * Checks every setting, including the secure default: a non-loopback bind address needs a JWT key.
     *
     * @throws IllegalArgumentException naming the first invalid setting and what is accepted.
     */
    public void validate()
    {
        if (bindAddress == null || bindAddress.isBlank())
        {
            throw new InvalidSettingException("bind", "bind address (--bind) must not be empty");
        }
        range("port", port, 0, 65535);
        engineCheck("ring-size", () -> EngineConfig.checkRingSize("ring-size", ringSize));
        engineCheck("history-size", () -> EngineConfig.checkHistoryMaxEvents("history-size", historySize));
        range("retention-bytes", retentionBytes, 64L << 20, Long.MAX_VALUE);
        range("retention-ms", retentionMs, 1000, Long.MAX_VALUE);
        range("journal-write-interval-ms", journalWriteIntervalMs, 0, 1000);
        range("journal-sync-interval-ms", journalSyncIntervalMs, 0, 3_600_000);
        for (final Map.Entry<String, String> c : consumers.entrySet())
        {
            if (!c.getKey().matches("[a-z0-9_]{1,48}"))
            {
                throw new InvalidSettingException("consumers",
                    "consumers: a name is 1 to 48 of [a-z0-9_], got '" + c.getKey() + "'");
            }
            if (dataDir == null)
            {
                throw new InvalidSettingException("consumers", "consumers need the journal: remove --data-dir none");
            }
        }
        engineCheck("queue-capacity", () -> EngineConfig.checkQueueCapacity("queue-capacity", queueCapacity));
        range("heartbeat-ms", heartbeatIntervalMs, 100, 3_600_000);
        range("retry-ms", retryMs, 0, 3_600_000);
        range("max-connections", maxConnections, 1, 10_000_000);
        range("max-body-bytes", maxBodyBytes, 1, 1 << 30);
        range("max-event-bytes", maxEventBytes, 1, 1 << 30);
        if (maxEventBytes > maxBodyBytes)
        {
            throw new InvalidSettingException("max-event-bytes", "max-event-bytes (" + maxEventBytes + ") must not exceed max-body-bytes (" +
                maxBodyBytes + "); lower --max-event-bytes as well");
        }
        range("max-header-bytes", maxHeaderBytes, 1024, 1 << 20);
        range("max-initial-line-bytes", maxInitialLineBytes, 256, 1 << 20);
        range("request-timeout-ms", requestTimeoutMs, 100, 3_600_000);
        range("idle-timeout-ms", idleTimeoutMs, 100, 86_400_000);
        range("shutdown-timeout-ms", shutdownTimeoutMs, 0, 600_000);
        range("drain-batch", drainBatch, 1, 65_536);
        range("stream-buffer-bytes", streamBufferBytes, 4096, 1 << 30);
        range("pending-bytes-budget", pendingBytesBudget, 0, Long.MAX_VALUE / 2);
        range("write-timeout-ms", writeTimeoutMs, 100, 3_600_000);
        range("io-threads", ioThreads, 0, 1024);
        engineCheck("node-id", () -> EngineConfig.checkNodeId("node-id", nodeId));
        if (waitStrategy == null)
        {
            throw new InvalidSettingException("wait-strategy", "wait-strategy must be blocking, publisher-assisted, yielding or busy-spin");
        }
        if (slowClientPolicy == null)
        {
            throw new InvalidSettingException("slow-client", "slow-client must be disconnect or drop");
        }
        if (jwtSecret != null && jwtKeyFile != null)
        {
            throw new InvalidSettingException("jwt-key-file", "give either --jwt-secret or --jwt-key-file, not both");
        }
        if (jwtSecret != null && jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_JWT_SECRET_BYTES)
        {
            throw new InvalidSettingException("jwt-secret",
                "jwt-secret must be at least " + MIN_JWT_SECRET_BYTES + " bytes for HS256 (RFC 7518 3.2)");
        }
        if (jwtKeyFile != null && !Files.isReadable(jwtKeyFile))
        {
            throw new InvalidSettingException("jwt-key-file", "jwt-key-file " + jwtKeyFile + " does not exist or is not readable");
        }
        if ((jwtAudience != null || jwtIssuer != null || jwtAllowNoExp) && !authEnabled())
        {
            throw new InvalidSettingException(jwtAudience != null ? "jwt-audience" : jwtIssuer != null ? "jwt-issuer" :
                "jwt-allow-no-exp", "jwt-audience, jwt-issuer and jwt-allow-no-exp need --jwt-secret or --jwt-key-file");
        }
        if (jwtAudience != null && jwtAudience.isBlank() || jwtIssuer != null && jwtIssuer.isBlank())
        {
            throw new InvalidSettingException(jwtAudience != null && jwtAudience.isBlank() ? "jwt-audience" :
                "jwt-issuer", "jwt-audience and jwt-issuer must not be empty when given");
        }
        if (metricsToken != null && metricsToken.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <
            MIN_METRICS_TOKEN_BYTES)
        {
            throw new InvalidSettingException("metrics-token",
                "metrics-token must be at least " + MIN_METRICS_TOKEN_BYTES + " bytes");
        }
        if ((tlsCert == null) != (tlsKey == null))
        {
            throw new IllegalArgumentException("give both --tls-cert and --tls-key, or neither");
        }
        for (final Path file : tlsEnabled() ? List.of(tlsCert, tlsKey) : List.<Path>of())
        {
            if (!Files.isReadable(file))
            {
                throw new IllegalArgumentException("TLS file " + file + " does not exist or is not readable");
            }
        }
        for (final String origin : corsOrigins)
        {
            if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+"))
            {
                throw new InvalidSettingException("cors-origins",
                    "cors-origins: an origin must be '*' or scheme://host[:port] without a path, got '" + origin + "'");
            }
        }
        if (!authEnabled() && !isLoopback(bindAddress))
        {
            throw new InvalidSettingException("bind", "refusing to listen on " + bindAddress + " without authentication: " +
                "give --jwt-secret or --jwt-key-file, or bind a loopback address such as 127.0.0.1");
        }
    }

    static boolean isLoopback(final String address)
    {
        try
        {
            return InetAddress.getByName(address).isLoopbackAddress();
        }
        catch (final UnknownHostException e)
        {
            throw new IllegalArgumentException("bind address '" + address + "' cannot be resolved");
        }
    }

    /** Runs one of the engine's own checks and names the setting the way this front-end does. */
    private static void engineCheck(final String name, final Runnable check)
    {
        try
        {
            check.run();
        }
        catch (final InvalidSettingException e)
        {
            throw e;
        }
        catch (final IllegalArgumentException e)
        {
            throw new InvalidSettingException(name, e.getMessage());
        }
    }

    private static void range(final String name, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new InvalidSettingException(name, name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
