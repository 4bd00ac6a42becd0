package io.ringcast.sse;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AttributeKey;

/**
 * The endpoint a request was routed to, with the methods it accepts. {@link RequestRouter} stores the current
 * request's route and decoded target in the channel attribute {@link #CURRENT}; the endpoint handlers behind it read
 * it. Immutable.
 */
enum Route
{
    EVENTS("/events", HttpMethod.GET),
    PUBLISH("/publish", HttpMethod.POST),
    /** A named durable consumer's commit ({@link ConsumerEndpoints}). */
    COMMIT("/commit", HttpMethod.POST),
    METRICS("/metrics", HttpMethod.GET, HttpMethod.HEAD),
    HEALTH("/healthz", HttpMethod.GET, HttpMethod.HEAD),
    STATS("/stats", HttpMethod.GET, HttpMethod.HEAD),
    /** The dashboard at {@code /} and every other file of {@link StaticAssets}. */
    INDEX("/", HttpMethod.GET, HttpMethod.HEAD);

    /** The request being handled on a channel: its route and decoded target; set by the router per request. */
    static final AttributeKey<Routed> CURRENT = AttributeKey.valueOf(Route.class, "current");

    static final String ENDPOINTS =
        "GET /events, POST /publish, POST /commit, GET|HEAD /metrics, GET|HEAD /healthz, GET|HEAD /stats, GET|HEAD /, " +
        "GET|HEAD /ringcast.js";

    final String path;
    final HttpMethod[] methods;

    Route(final String path, final HttpMethod... methods)
    {
        this.path = path;
        this.methods = methods;
    }

    /** @return the route serving {@code path}, or {@code null}. */
    static Route of(final String path)
    {
        return switch (path)
        {
            case "/events" -> EVENTS;
            case "/publish" -> PUBLISH;
            case "/commit" -> COMMIT;
            case "/metrics" -> METRICS;
            case "/healthz" -> HEALTH;
            case "/stats" -> STATS;
            default -> StaticAssets.exists(path) ? INDEX : null;
        };
    }

    boolean accepts(final HttpMethod method)
    {
        for (final HttpMethod m : methods)
        {
            if (m.equals(method))
            {
                return true;
            }
        }
        return false;
    }

    /** @return the {@code Allow} header value. */
    String allow()
    {
        final StringBuilder b = new StringBuilder();
        for (final HttpMethod m : methods)
        {
            b.append(b.length() == 0 ? "" : ", ").append(m.name());
        }
        return b.toString();
    }

    /**
     * A routed request.
     *
     * @param route  where it goes.
     * @param target its decoded target.
     */
    record Routed(Route route, RequestTarget target)
    {
    }
}
