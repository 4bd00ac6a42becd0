package io.ringcast.sse;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineMetrics;
import io.ringcast.engine.spi.MetricSink;
import io.ringcast.engine.spi.Replication;
import io.ringcast.engine.spi.ReplicationHealth;

import java.util.Locale;

/**
 * Bodies of {@code GET /metrics} (Prometheus text exposition 0.0.4), {@code GET /healthz} (JSON) and
 * {@code GET /stats} (the dashboard's JSON snapshot; files such as the dashboard itself are {@link StaticAssets}).
 * Reads only lock-free counters, so any event loop may call it at any time.
 */
final class Pages
{
    private final Engine engine;
    private final ServerMetrics metrics;
    private final Replication replication;
    private final String replicationName;

    /** The journal, or {@code null}; set once by the server before it serves requests. */
    private volatile DurableLog durableLog;

    Pages(final Engine engine, final ServerMetrics metrics, final Replication replication, final String replicationName)
    {
        this.engine = engine;
        this.metrics = metrics;
        this.replication = replication;
        this.replicationName = replicationName;
    }

    /** @return {@code true} when the engine can accept a publish now. */
    boolean accepting(final boolean shuttingDown)
    {
        return !shuttingDown && !engine.isClosed() && engine.metrics().ringRemainingCapacity() > 0;
    }

    void durableLog(final DurableLog log)
    {
        this.durableLog = log;
    }

    /**
     * @param withDetail include the replication's detail text (which may name the database host and its error); only
     *                   for a caller holding the metrics token.
     */
    String health(final boolean shuttingDown, final boolean withDetail)
    {
        final boolean accepting = accepting(shuttingDown);
        final ReplicationHealth r = replication == null ? null : safeHealth();
        final DurableLog journal = durableLog;
        final boolean journalOk = journal == null || journal.writable();
        final String status = !accepting ? "unavailable" : (r != null && !r.ok()) || !journalOk ? "degraded" : "ok";
        final EngineMetrics m = engine.metrics();
        final StringBuilder b = new StringBuilder(256)
            .append("{\"status\":\"").append(status).append('"')
            .append(",\"node\":").append(Responses.quote(engine.nodeId()))
            .append(",\"engine\":{\"accepting\":").append(accepting)
            .append(",\"closed\":").append(engine.isClosed())
            .append(",\"ringRemaining\":").append(m.ringRemainingCapacity())
            .append(",\"ringSize\":").append(m.ringSize())
            .append(",\"subscriptions\":").append(m.activeSubscriptions())
            .append("},\"streams\":").append(metrics.openStreams.sum())
            .append(",\"shuttingDown\":").append(shuttingDown);
        if (journal != null && journal.hasStore())
        {
            b.append(",\"journal\":{\"writable\":").append(journalOk)
                .append(",\"detail\":").append(Responses.quote(journalOk ? "" : journal.unavailableReason()))
                .append('}');
        }
        if (r != null)
        {
            b.append(",\"replication\":{\"provider\":").append(Responses.quote(replicationName))
                .append(",\"state\":").append(Responses.quote(r.state()));
            if (withDetail)
            {
                b.append(",\"detail\":").append(Responses.quote(r.detail()));
            }
            b.append('}');
        }
        else
        {
            b.append(",\"replication\":null");
        }
        return b.append('}').toString();
    }

    /**
     * The body of {@code GET /stats}: one JSON object of the hub's counters (cumulative, so a reader derives rates
     * from two snapshots and their {@code timeMs}) and gauges, plus the replication's health and its own metrics by
     * name. Its size is fixed by the engine's and the replication's metric sets: it grows with nothing a client does.
     *
     * @param withDetail include the replication's detail text, which may name the database host; else it is null.
     */
    String stats(final int openConnections, final boolean shuttingDown, final boolean withDetail)
    {
        final EngineMetrics m = engine.metrics();
        final boolean accepting = accepting(shuttingDown);
        final ReplicationHealth r = replication == null ? null : safeHealth();
        final StringBuilder b = new StringBuilder(1024)
            .append("{\"timeMs\":").append(System.currentTimeMillis())
            .append(",\"node\":").append(Responses.quote(engine.nodeId()))
            .append(",\"status\":\"").append(!accepting ? "unavailable" : r != null && !r.ok() ? "degraded" : "ok")
            .append("\",\"streams\":").append(metrics.openStreams.sum())
            .append(",\"connections\":").append(openConnections)
            .append(",\"subscriptions\":").append(m.activeSubscriptions())
            .append(",\"published\":").append(m.published())
            .append(",\"delivered\":").append(m.delivered())
            .append(",\"dropped\":").append(m.dropped())
            .append(",\"rejected\":").append(m.rejected())
            .append(",\"slowClientDisconnects\":").append(metrics.slowClientDisconnects.sum())
            .append(",\"resets\":").append(metrics.resets.sum())
            .append(",\"streamsOpened\":").append(metrics.streamsOpened.sum())
            .append(",\"bytesWritten\":").append(metrics.bytesWritten.sum())
            .append(",\"ringRemaining\":").append(m.ringRemainingCapacity())
            .append(",\"ringSize\":").append(m.ringSize())
            .append(",\"historyEvents\":").append(m.historySize())
            .append(",\"replication\":");
        if (r == null)
        {
            b.append("null");
        }
        else
        {
            b.append("{\"provider\":").append(Responses.quote(replicationName))
                .append(",\"state\":").append(Responses.quote(r.state()))
                .append(",\"ok\":").append(r.ok())
                .append(",\"detail\":").append(withDetail ? Responses.quote(r.detail()) : "null")
                .append(",\"metrics\":");
            replicationMetrics(b);
            b.append('}');
        }
        return b.append('}').toString();
    }

    private void replicationMetrics(final StringBuilder b)
    {
        final int start = b.length();
        b.append('{');
        try
        {
            replication.metrics(new MetricSink()
            {
                @Override
                public void counter(final String name, final String help, final long value)
                {
                    field(name).append(value);
                }

                @Override
                public void gauge(final String name, final String help, final double value)
                {
                    field(name).append(Double.isFinite(value) ? Double.toString(value) : "null");
                }

                private StringBuilder field(final String name)
                {
                    return b.append(b.length() == start + 1 ? "" : ",").append(Responses.quote(name)).append(':');
                }
            });
        }
        catch (final RuntimeException e)
        {
            b.setLength(start);
            b.append('{');
        }
        b.append('}');
    }

    private ReplicationHealth safeHealth()
    {
        try
        {
            return replication.health();
        }
        catch (final RuntimeException e)
        {
            return new ReplicationHealth("degraded", "health check failed: " + e);
        }
    }

    String metrics(final int openConnections)
    {
        final Exposition out = new Exposition();
        final EngineMetrics m = engine.metrics();
        out.counter("engine_published_total", "Events accepted into the ring", m.published());
        out.counter("engine_dispatched_total", "Events processed by the dispatcher", m.dispatched());
        out.counter("engine_delivered_total", "Event copies accepted into subscriber queues", m.delivered());
        out.counter("engine_dropped_total", "Event copies dropped because a subscriber queue was full", m.dropped());
        out.counter("engine_rejected_total", "Publishes refused because the ring was full", m.rejected());
        out.counter("engine_filter_evaluations_total", "Candidate subscriptions evaluated", m.filterEvaluations());
        out.counter("engine_errors_total", "Survived failures of stages, encoders, listeners", m.errors());
        out.gauge("engine_subscriptions", "Registered subscriptions", m.activeSubscriptions());
        out.gauge("engine_ring_remaining", "Free ring slots", m.ringRemainingCapacity());
        out.gauge("engine_ring_size", "Ring slots", m.ringSize());
        out.gauge("engine_history_events", "Events held in history", m.historySize());
        out.gauge("engine_history_bytes", "Estimated bytes held in history", m.historyBytes());
        out.gauge("connections_open", "Open TCP connections", openConnections);
        out.counter("connections_rejected_total", "Connections refused at the limit", metrics.connectionsRejected.sum());
        out.gauge("streams_open", "Open SSE streams", metrics.openStreams.sum());
        out.counter("streams_opened_total", "SSE streams opened", metrics.streamsOpened.sum());
        out.counter("stream_bytes_written_total", "SSE event bytes written", metrics.bytesWritten.sum());
        out.counter("stream_frames_written_total", "SSE event frames written", metrics.framesWritten.sum());
        out.counter("stream_flushes_total", "SSE batch flushes", metrics.flushes.sum());
        out.counter("stream_direct_writes_total", "SSE batches written straight to an idle socket",
            metrics.directWrites.sum());
        out.counter("stream_direct_writes_partial_total",
            "Direct writes the socket took in part (the rest queued behind them)", metrics.directWritesPartial.sum());
        out.counter("stream_heartbeats_total", "Heartbeat comments written", metrics.heartbeats.sum());
        out.counter("stream_resets_total", "Reset frames sent for resumes older than history", metrics.resets.sum());
        out.counter("stream_drops_total", "Events dropped for slow streams", m.dropped());
        out.counter("slow_client_disconnects_total", "Streams ended because the client fell behind",
            metrics.slowClientDisconnects.sum());
        out.byCause("slow_client_cutoffs_total", "Streams cut off because the client fell behind, by the bound hit",
            metrics.cutOffs);
        out.byCause("stream_frames_dropped_total", "Event frames dropped for behind streams (policy drop), by bound",
            metrics.framesDropped);
        out.gauge("stream_pending_bytes", "Bytes written to streams and not yet taken by their sockets",
            metrics.pendingBytes.get());
        out.counter("publish_requests_total", "Accepted POST /publish requests", metrics.publishRequests.sum());
        out.counter("publish_events_total", "Events published through POST /publish", metrics.publishedEvents.sum());
        out.counter("publish_rejected_total", "POST /publish refused with 503 because the ring was full",
            metrics.publishRejectedRingFull.sum());
        out.gauge("publish_names_shared", "Topic and type names published that share one string instance",
            metrics.publishNamesShared.get());
        out.counter("publish_names_unshared_total", "Names published beyond the shared names' bounds, kept as parsed",
            metrics.publishNamesUnshared.sum());
        out.counter("http_client_errors_total", "Responses with a 4xx status", metrics.clientErrors.sum());
        out.counter("http_server_errors_total", "Responses with a 5xx status", metrics.serverErrors.sum());
        out.counter("http_auth_failures_total", "Requests refused with 401 or 403", metrics.authFailures.sum());
        out.counter("stream_token_expiries_total", "Streams ended with token-expired when their token expired",
            metrics.tokenExpiries.sum());
        out.counter("http_request_timeouts_total", "Requests cut off by the request timeout",
            metrics.requestTimeouts.sum());
        out.counter("http_idle_timeouts_total", "Keep-alive connections closed when idle", metrics.idleTimeouts.sum());
        out.counter("http2_connections_total", "Connections that spoke HTTP/2 (ALPN h2 or prior-knowledge h2c)",
            metrics.http2Connections.sum());
        out.counter("tls_handshake_failures_total", "TLS connections closed because the handshake failed",
            metrics.tlsHandshakeFailures.sum());
        final DurableLog journal = durableLog;
        if (journal != null)
        {
            journal.metrics(out);
        }
        if (replication != null)
        {
            try
            {
                replication.metrics(out);
            }
            catch (final RuntimeException e)
            {
                out.gauge("replication_metrics_failed", "1 when the replication could not report", 1);
            }
        }
        return out.text.toString();
    }

    /** Prometheus text format writer, names prefixed with {@code ringcast_}. */
    private static final class Exposition implements MetricSink
    {
        final StringBuilder text = new StringBuilder(8192);

        @Override
        public void counter(final String name, final String help, final long value)
        {
            header(name, help, "counter").append(value).append('\n');
        }

        @Override
        public void gauge(final String name, final String help, final double value)
        {
            final StringBuilder b = header(name, help, "gauge");
            if (value == Math.rint(value) && Math.abs(value) < 1e15)
            {
                b.append((long)value);
            }
            else
            {
                b.append(String.format(Locale.ROOT, "%s", value));
            }
            b.append('\n');
        }

        /** One counter with a {@code cause} label per {@link CutOff}. */
        void byCause(final String name, final String help, final java.util.concurrent.atomic.LongAdder[] values)
        {
            final String full = "ringcast_" + name;
            text.append("# HELP ").append(full).append(' ').append(help).append('\n')
                .append("# TYPE ").append(full).append(" counter\n");
            for (final CutOff cause : CutOff.values())
            {
                text.append(full).append("{cause=\"").append(cause.label()).append("\"} ")
                    .append(values[cause.ordinal()].sum()).append('\n');
            }
        }

        private StringBuilder header(final String name, final String help, final String type)
        {
            final String full = "ringcast_" + name;
            return text.append("# HELP ").append(full).append(' ').append(help.replace('\n', ' ')).append('\n')
                .append("# TYPE ").append(full).append(' ').append(type).append('\n')
                .append(full).append(' ');
        }
    }
}
