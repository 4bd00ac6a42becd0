package io.ringcast.sse;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A minimal WHATWG-style SSE reader over java.net.http for tests: one thread parses frames into a queue. */
final class SseTestClient implements AutoCloseable
{
    record Frame(String id, String event, String data, String comment, String retry)
    {
    }

    static final Frame END = new Frame(null, null, null, null, null);

    final HttpResponse<InputStream> response;
    private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final Thread reader;

    private SseTestClient(final HttpResponse<InputStream> response)
    {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-reader");
        reader.setDaemon(true);
        reader.start();
    }

    static SseTestClient open(final HttpClient client, final URI uri, final String... headers) throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        for (int i = 0; i < headers.length; i += 2)
        {
            request.header(headers[i], headers[i + 1]);
        }
        return new SseTestClient(client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    int status()
    {
        return response.statusCode();
    }

    /** @return the next frame (retry, comment, event), or {@link #END} when the stream ended. */
    Frame next() throws InterruptedException
    {
        final Frame f = frames.poll(10, TimeUnit.SECONDS);
        if (f == null)
        {
            throw new AssertionError("no SSE frame within 10 s");
        }
        return f;
    }

    /** @return the next frame that is an event (skipping retry and comments), or {@link #END}. */
    Frame nextEvent() throws InterruptedException
    {
        Frame f;
        do
        {
            f = next();
        }
        while (f != END && f.data() == null && f.event() == null);
        return f;
    }

    List<Frame> events(final int n) throws InterruptedException
    {
        final List<Frame> out = new ArrayList<>();
        while (out.size() < n)
        {
            final Frame f = nextEvent();
            if (f == END)
            {
                throw new AssertionError("stream ended after " + out.size() + " of " + n + " events");
            }
            out.add(f);
        }
        return out;
    }

    private void read()
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8)))
        {
            String id = null;
            String event = null;
            StringBuilder data = null;
            String comment = null;
            String retry = null;
            String line;
            while ((line = in.readLine()) != null)
            {
                if (line.isEmpty())
                {
                    if (id != null || event != null || data != null || comment != null || retry != null)
                    {
                        frames.add(new Frame(id, event, data == null ? null : data.toString(), comment, retry));
                    }
                    id = null;
                    event = null;
                    data = null;
                    comment = null;
                    retry = null;
                    continue;
                }
                final int colon = line.indexOf(':');
                final String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" "))
                {
                    value = value.substring(1);
                }
                switch (field)
                {
                    case "" -> comment = value;
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "retry" -> retry = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> { }
                }
            }
        }
        catch (final Exception e)
        {
            // the stream was cut: reported as END like a clean end; tests that care check how it ended
        }
        frames.add(END);
    }

    @Override
    public void close()
    {
        try
        {
            response.body().close();
        }
        catch (final Exception e)
        {
            // already closed
        }
    }
}
