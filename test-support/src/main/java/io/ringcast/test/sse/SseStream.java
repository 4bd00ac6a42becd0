package io.ringcast.test.sse;

import io.ringcast.test.Await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One SSE response read as a line stream by {@link java.net.http.HttpClient}, interpreted by {@link SseParser} as a
 * browser does. The client's executor delivers lines (no thread per stream). Tests read it two ways, from any thread:
 * <ul>
 *   <li>collected: {@link #frames()}, {@link #comments()}, {@link #retryMs()}, {@link #awaitFrames}, {@link #awaitEnd};</li>
 *   <li>in wire order: {@link #next()} (every dispatched event, comment, {@code retry:} and the end, one at a time),
 *   {@link #nextEvent()} and {@link #events(int)}.</li>
 * </ul>
 *
 * <p>Thread-safety: the HTTP client's thread feeds it; every reading method may be called from any thread.
 */
public final class SseStream implements Flow.Subscriber<String>, AutoCloseable
{
    /** How a stream ended, as the HTTP client saw it. */
    public enum End
    {
        OPEN, COMPLETED, FAILED, CANCELLED
    }

    /** What {@link #next()} returns: one thing the stream carried, in the order it arrived. */
    public record Received(Kind kind, SseFrame frame, String comment, long retryMs)
    {
        /** The kinds of thing a stream carries. */
        public enum Kind
        {
            EVENT, COMMENT, RETRY, END
        }

        @Override
        public String toString()
        {
            return switch (kind)
            {
                case EVENT -> "event " + frame;
                case COMMENT -> "comment '" + comment + "'";
                case RETRY -> "retry " + retryMs;
                case END -> "end of stream";
            };
        }
    }

    /** What {@link #nextEvent()} returns when the stream ended before another event. */
    public static final SseFrame END = new SseFrame("", false, "", false, "", 0);

    private static final Duration NEXT_TIMEOUT = Duration.ofSeconds(10);
    private static final Received ENDED = new Received(Received.Kind.END, null, null, -1);

    private final List<SseFrame> frames = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final List<String> undispatched = new ArrayList<>();
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private final AtomicReference<End> end = new AtomicReference<>(End.OPEN);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger lines = new AtomicInteger();
    private final SseParser parser;
    private final String label;
    private volatile long retryMs = -1;
    private volatile Flow.Subscription subscription;
    private volatile CompletableFuture<HttpResponse<Void>> response;
    private final CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();

    public SseStream(final String label)
    {
        this.label = label;
        this.parser = new SseParser(new SseParser.Listener()
        {
            public void onFrame(final SseFrame frame)
            {
                synchronized (frames)
                {
                    frames.add(frame);
                }
                received.add(new Received(Received.Kind.EVENT, frame, null, -1));
            }

            public void onComment(final String text)
            {
                synchronized (comments)
                {
                    comments.add(text);
                }
                received.add(new Received(Received.Kind.COMMENT, null, text.startsWith(" ") ? text.substring(1) : text,
                    -1));
            }

            public void onRetry(final long value)
            {
                retryMs = value;
                received.add(new Received(Received.Kind.RETRY, null, null, value));
            }

            public void onUndispatchedBlock(final String eventType, final String lastEventId)
            {
                synchronized (undispatched)
                {
                    undispatched.add("event=" + eventType + " id=" + lastEventId);
                }
            }
        });
    }

    /**
     * Opens {@code GET uri} on {@code client} and waits for the response head (the body keeps streaming).
     *
     * @param headers extra request headers as name, value pairs.
     */
    public static SseStream open(final HttpClient client, final URI uri, final String... headers)
    {
        final SseStream stream = new SseStream(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?…"));
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        for (int i = 0; i < headers.length; i += 2)
        {
            request.header(headers[i], headers[i + 1]);
        }
        stream.response(client.sendAsync(request.build(), stream.bodyHandler()));
        stream.awaitResponse(NEXT_TIMEOUT);
        return stream;
    }

    /** @return the body handler that reports the response head at once and feeds the body's lines to this stream. */
    public HttpResponse.BodyHandler<Void> bodyHandler()
    {
        return info ->
        {
            head.complete(info);
            return HttpResponse.BodySubscribers.fromLineSubscriber(this, s -> null, StandardCharsets.UTF_8, null);
        };
    }

    public void response(final CompletableFuture<HttpResponse<Void>> future)
    {
        this.response = future;
        future.whenComplete((r, ex) ->
        {
            if (ex != null)
            {
                failure.compareAndSet(null, ex);
                ended(End.FAILED);
                head.completeExceptionally(ex);
            }
        });
    }

    /** Waits for the response status line and headers (the body keeps streaming). */
    public HttpResponse.ResponseInfo awaitResponse(final Duration timeout)
    {
        try
        {
            return head.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (final Exception ex)
        {
            throw new AssertionError(label + ": no response headers within " + timeout.toMillis() + " ms", ex);
        }
    }

    public int status()
    {
        return awaitResponse(NEXT_TIMEOUT).statusCode();
    }

    public HttpHeaders headers()
    {
        return awaitResponse(NEXT_TIMEOUT).headers();
    }

    @Override
    public void onSubscribe(final Flow.Subscription s)
    {
        subscription = s;
        if (end.get() == End.CANCELLED)
        {
            s.cancel();
        }
        else
        {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(final String line)
    {
        lines.incrementAndGet();
        parser.line(line);
    }

    @Override
    public void onError(final Throwable ex)
    {
        failure.compareAndSet(null, ex);
        ended(End.FAILED);
    }

    @Override
    public void onComplete()
    {
        ended(End.COMPLETED);
    }

    /** Closes the connection from the client side (idempotent). */
    @Override
    public void close()
    {
        ended(End.CANCELLED);
        final Flow.Subscription s = subscription;
        if (s != null)
        {
            s.cancel();
        }
        final CompletableFuture<HttpResponse<Void>> r = response;
        if (r != null)
        {
            r.cancel(true);
        }
    }

    private void ended(final End how)
    {
        if (end.compareAndSet(End.OPEN, how))
        {
            received.add(ENDED);
        }
    }

    /**
     * @return the next thing the stream carried, in wire order: a dispatched event, a comment (without the one
     *     space after the colon), a valid {@code retry:}, or the end (once; later calls wait and fail).
     * @throws AssertionError when nothing arrives within 10 s.
     */
    public Received next() throws InterruptedException
    {
        final Received r = received.poll(NEXT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (r == null)
        {
            throw new AssertionError(label + ": nothing received within " + NEXT_TIMEOUT.toMillis() + " ms; " +
                describe());
        }
        return r;
    }

    /** @return the next dispatched event (skipping comments and {@code retry:}), or {@link #END} when the stream ended. */
    public SseFrame nextEvent() throws InterruptedException
    {
        while (true)
        {
            final Received r = next();
            switch (r.kind())
            {
                case EVENT ->
                {
                    return r.frame();
                }
                case END ->
                {
                    return END;
                }
                default ->
                {
                }
            }
        }
    }

    /** @return the next {@code n} dispatched events; fails when the stream ends before. */
    public List<SseFrame> events(final int n) throws InterruptedException
    {
        final List<SseFrame> out = new ArrayList<>();
        while (out.size() < n)
        {
            final SseFrame f = nextEvent();
            if (f == END)
            {
                throw new AssertionError(label + ": stream ended after " + out.size() + " of " + n + " events; " +
                    describe());
            }
            out.add(f);
        }
        return out;
    }

    public List<SseFrame> frames()
    {
        synchronized (frames)
        {
            return new ArrayList<>(frames);
        }
    }

    public int frameCount()
    {
        synchronized (frames)
        {
            return frames.size();
        }
    }

    public SseFrame lastFrame()
    {
        synchronized (frames)
        {
            return frames.isEmpty() ? null : frames.get(frames.size() - 1);
        }
    }

    /** @return the comments as they came (the text after the colon, leading space included). */
    public List<String> comments()
    {
        synchronized (comments)
        {
            return new ArrayList<>(comments);
        }
    }

    public List<String> undispatchedBlocks()
    {
        synchronized (undispatched)
        {
            return new ArrayList<>(undispatched);
        }
    }

    public long retryMs()
    {
        return retryMs;
    }

    public End end()
    {
        return end.get();
    }

    public Throwable failure()
    {
        return failure.get();
    }

    public String label()
    {
        return label;
    }

    public SseStream awaitFrames(final int count, final Duration timeout)
    {
        Await.until(timeout, label + " to receive " + count + " events", () -> frameCount() >= count, this::describe);
        return this;
    }

    public SseStream awaitEnd(final Duration timeout)
    {
        Await.until(timeout, label + " to end", () -> end() != End.OPEN, this::describe);
        return this;
    }

    public String describe()
    {
        final SseFrame last = lastFrame();
        return label + ": " + frameCount() + " events, last " + last + ", " + comments().size() + " comments, " +
            lines.get() + " lines, end " + end() + (failure() == null ? "" : " (" + failure() + ")");
    }
}
