package io.ringcast.systemtest.sse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.ringcast.test.sse.SseStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real-HTTP access to one Ringcast server: SSE streams, publishes and plain requests, all through one
 * {@link HttpClient} on a small executor (thousands of streams need no thread each). Thread-safe.
 */
final class Api implements AutoCloseable
{
    private static final JsonFactory JSON = new JsonFactory();

    private final URI base;
    private final ExecutorService executor;
    private final HttpClient client;
    private final AtomicInteger streams = new AtomicInteger();
    private final List<SseStream> opened = new ArrayList<>();

    Api(final int port)
    {
        this.base = URI.create("http://127.0.0.1:" + port);
        this.executor = Executors.newFixedThreadPool(4, r ->
        {
            final Thread t = new Thread(r, "test-http-client");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(executor)
            .build();
    }

    URI base()
    {
        return base;
    }

    /** A response read completely. */
    record Reply(int status, java.net.http.HttpHeaders headers, String body)
    {
        String header(final String name)
        {
            return headers.firstValue(name).orElse(null);
        }

        /** @return the string value of a top-level field of a JSON object body, or null. */
        String jsonField(final String name)
        {
            return Api.jsonField(body, name);
        }

        @Override
        public String toString()
        {
            return status + " " + body;
        }
    }

    static String query(final String... topics)
    {
        final StringBuilder sb = new StringBuilder();
        for (final String t : topics)
        {
            sb.append(sb.length() == 0 ? "?" : "&").append("topic=").append(URLEncoder.encode(t, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Opens {@code GET /events} with the given path-and-query and extra request headers (name, value pairs). */
    SseStream stream(final String pathAndQuery, final String... headers)
    {
        final SseStream stream = new SseStream("stream#" + streams.incrementAndGet() + " " + pathAndQuery);
        final HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery))
            .header("Accept", "text/event-stream").GET();
        for (int i = 0; i < headers.length; i += 2)
        {
            request.header(headers[i], headers[i + 1]);
        }
        stream.response(client.sendAsync(request.build(), stream.bodyHandler()));
        synchronized (opened)
        {
            opened.add(stream);
        }
        return stream;
    }

    /**
     * Opens a stream on topics and waits for its 200. The server answers only once the engine has registered the
     * subscription, so the stream receives every event published after this call returns: this is the contract
     * under test, no marker or resume is needed.
     */
    SseStream subscribe(final String... topics)
    {
        final SseStream stream = stream("/events" + query(topics));
        final int status = stream.status();
        if (status != 200)
        {
            throw new AssertionError("GET /events" + query(topics) + " answered " + status);
        }
        return stream;
    }

    Reply get(final String path, final String... headers)
    {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET(), headers);
    }

    Reply post(final String path, final String contentType, final String body, final String... headers)
    {
        return send(HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
    }

    Reply method(final String method, final String path, final String... headers)
    {
        return send(HttpRequest.newBuilder(base.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody()),
            headers);
    }

    /** Publishes one event and returns its id; fails unless the server answers 202. */
    long publish(final String topic, final String type, final String dataJson, final String user,
        final String... headers)
    {
        final Reply reply = post("/publish", "application/json", eventJson(topic, type, dataJson, user), headers);
        if (reply.status() != 202)
        {
            throw new AssertionError("publish to " + topic + " answered " + reply);
        }
        return Long.parseLong(reply.jsonField("id"));
    }

    long publish(final String topic, final String dataJson)
    {
        return publish(topic, null, dataJson, null);
    }

    static String eventJson(final String topic, final String type, final String dataJson, final String user)
    {
        final StringBuilder sb = new StringBuilder("{\"topic\":").append(quote(topic));
        if (type != null)
        {
            sb.append(",\"type\":").append(quote(type));
        }
        if (user != null)
        {
            sb.append(",\"user\":").append(quote(user));
        }
        return sb.append(",\"data\":").append(dataJson).append('}').toString();
    }

    static String quote(final String s)
    {
        final StringBuilder sb = new StringBuilder("\"");
        for (final char c : s.toCharArray())
        {
            switch (c)
            {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                default ->
                {
                    if (c < 0x20)
                    {
                        sb.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private Reply send(final HttpRequest.Builder request, final String... headers)
    {
        for (int i = 0; i < headers.length; i += 2)
        {
            request.header(headers[i], headers[i + 1]);
        }
        request.timeout(Duration.ofSeconds(20));
        try
        {
            // a deadline of the caller's own: once close() has shut the client's executor down (a replica killed
            // with this request in flight), the client may never complete the request nor fire its timeout
            final HttpResponse<String> r = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .get(25, TimeUnit.SECONDS);
            return new Reply(r.statusCode(), r.headers(), r.body());
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause();
            throw cause instanceof IOException io ? new UncheckedIOException(io) :
                new UncheckedIOException(new IOException(cause));
        }
        catch (final TimeoutException ex)
        {
            throw new UncheckedIOException(new HttpTimeoutException("no answer within 25 s"));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError(ex);
        }
    }

    static String jsonField(final String body, final String name)
    {
        try (JsonParser p = JSON.createParser(body))
        {
            if (p.nextToken() != JsonToken.START_OBJECT)
            {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                final JsonToken value = p.nextToken();
                if (field.equals(name) && value.isScalarValue())
                {
                    return p.getValueAsString();
                }
                p.skipChildren();
            }
            return null;
        }
        catch (final IOException ex)
        {
            throw new AssertionError("response body is not JSON: " + body, ex);
        }
    }

    /** @return every string inside the first array of a JSON body (e.g. the ids of an NDJSON publish). */
    static List<String> jsonStrings(final String body)
    {
        final List<String> values = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body))
        {
            JsonToken t;
            while ((t = p.nextToken()) != null)
            {
                if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT)
                {
                    values.add(p.getValueAsString());
                }
            }
        }
        catch (final IOException ex)
        {
            throw new AssertionError("response body is not JSON: " + body, ex);
        }
        return values;
    }

    /** Prometheus value of a metric line starting with {@code name} (summed over labels), or -1 when absent. */
    static double metric(final String exposition, final String name)
    {
        double sum = 0;
        boolean found = false;
        for (final String line : exposition.split("\n"))
        {
            if (line.startsWith("#") || !line.startsWith(name))
            {
                continue;
            }
            final char after = line.length() > name.length() ? line.charAt(name.length()) : ' ';
            if (after != ' ' && after != '{')
            {
                continue;
            }
            final String[] parts = line.trim().split("\\s+");
            sum += Double.parseDouble(parts[parts.length - 1]);
            found = true;
        }
        return found ? sum : -1;
    }

    Map<String, String> noHeaders()
    {
        return Map.of();
    }

    @Override
    public void close()
    {
        synchronized (opened)
        {
            opened.forEach(SseStream::close);
        }
        executor.shutdownNow();
    }
}
