package io.ringcast.sse;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineMetrics;
import io.ringcast.engine.spi.MetricSink;
import io.ringcast.engine.spi.Replication;
import io.ringcast.engine.spi.ReplicationHealth;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Bodies of {@code GET /metrics} (Prometheus text exposition 0.0.4), {@code GET /healthz} (JSON) and {@code GET /}
 * (the demo page, a static resource). Reads only lock-free counters, so any event loop may call it at any time.
 */
final class Pages
{
    private final Engine engine;
    private final ServerMetrics metrics;
    private final Replication replication;
    private final String replicationName;
    private final byte[] demoPage;

    /** The journal, or {@code null}; set once by the server before it serves requests. */
    private volatile DurableLog durableLog;

    Pages(final Engine engine, final ServerMetrics metrics, final Replication replication, final String replicationName)
    {
        this.engine = engine;
        this.metrics = metrics;
        this.replication = replication;
        this.replicationName = replicationName;
        this.demoPage = resource("static/index.html");
    }

    byte[] demoPage()
    {
        return demoPage;
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

    String health(final boolean shuttingDown)
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
        if (journal != null)
        {
            b.append(",\"journal\":{\"writable\":").append(journalOk)
                .append(",\"detail\":").append(Responses.quote(journalOk ? "" : journal.unavailableReason()))
                .append('}');
        }
        if (r != null)
        {
            b.append(",\"replication\":{\"provider\":").append(Responses.quote(replicationName))
                .append(",\"state\":").append(Responses.quote(r.state()))
                .append(",\"detail\":").append(Responses.quote(r.detail())).append('}');
        }
        else
        {
            b.append(",\"replication\":null");
        }
        return b.append('}').toString();
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
        out.counter("stream_heartbeats_total", "Heartbeat comments written", metrics.heartbeats.sum());
        out.counter("stream_resets_total", "Reset frames sent for resumes older than history", metrics.resets.sum());
        out.counter("stream_drops_total", "Events dropped for slow streams", m.dropped());
        out.counter("slow_client_disconnects_total", "Streams ended because the client fell behind",
            metrics.slowClientDisconnects.sum());
        out.counter("publish_requests_total", "Accepted POST /publish requests", metrics.publishRequests.sum());
        out.counter("publish_events_total", "Events published through POST /publish", metrics.publishedEvents.sum());
        out.counter("publish_rejected_total", "POST /publish refused with 503 because the ring was full",
            metrics.publishRejectedRingFull.sum());
        out.counter("http_client_errors_total", "Responses with a 4xx status", metrics.clientErrors.sum());
        out.counter("http_server_errors_total", "Responses with a 5xx status", metrics.serverErrors.sum());
        out.counter("http_auth_failures_total", "Requests refused with 401 or 403", metrics.authFailures.sum());
        out.counter("http_request_timeouts_total", "Requests cut off by the request timeout",
            metrics.requestTimeouts.sum());
        out.counter("http_idle_timeouts_total", "Keep-alive connections closed when idle", metrics.idleTimeouts.sum());
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

    private static byte[] resource(final String name)
    {
        try (InputStream in = Pages.class.getResourceAsStream(name))
        {
            if (in == null)
            {
                throw new IllegalStateException("resource " + name + " missing from the jar");
            }
            return in.readAllBytes();
        }
        catch (final IOException e)
        {
            throw new UncheckedIOException(e);
        }
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

        private StringBuilder header(final String name, final String help, final String type)
        {
            final String full = "ringcast_" + name;
            return text.append("# HELP ").append(full).append(' ').append(help.replace('\n', ' ')).append('\n')
                .append("# TYPE ").append(full).append(' ').append(type).append('\n')
                .append(full).append(' ');
        }
    }
}
