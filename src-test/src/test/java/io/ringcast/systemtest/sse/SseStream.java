package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One SSE response read as a line stream by {@link java.net.http.HttpClient}, interpreted by {@link SseParser}.
 * The client's executor delivers lines (no thread per stream); tests read the collected frames from any thread.
 */
final class SseStream implements Flow.Subscriber<String>, AutoCloseable
{
    /** How a stream ended, as the HTTP client saw it. */
    enum End
    {
        OPEN, COMPLETED, FAILED, CANCELLED
    }

    private final List<SseFrame> frames = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final List<String> undispatched = new ArrayList<>();
    private final AtomicReference<End> end = new AtomicReference<>(End.OPEN);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicInteger lines = new AtomicInteger();
    private final SseParser parser;
    private final String label;
    private volatile long retryMs = -1;
    private volatile Flow.Subscription subscription;
    private volatile CompletableFuture<HttpResponse<Void>> response;
    private final CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();

    SseStream(final String label)
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
            }

            public void onComment(final String text)
            {
                synchronized (comments)
                {
                    comments.add(text);
                }
            }

            public void onRetry(final long value)
            {
                retryMs = value;
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

    /** @return the body handler that reports the response head at once and feeds the body's lines to this stream. */
    HttpResponse.BodyHandler<Void> bodyHandler()
    {
        return info ->
        {
            head.complete(info);
            return HttpResponse.BodySubscribers.fromLineSubscriber(this, s -> null, StandardCharsets.UTF_8, null);
        };
    }

    void response(final CompletableFuture<HttpResponse<Void>> future)
    {
        this.response = future;
        future.whenComplete((r, ex) ->
        {
            if (ex != null)
            {
                failure.compareAndSet(null, ex);
                end.compareAndSet(End.OPEN, End.FAILED);
                head.completeExceptionally(ex);
            }
        });
    }

    /** Waits for the response status line and headers (the body keeps streaming). */
    HttpResponse.ResponseInfo awaitResponse(final Duration timeout)
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

    int status()
    {
        return awaitResponse(Duration.ofSeconds(10)).statusCode();
    }

    HttpHeaders headers()
    {
        return awaitResponse(Duration.ofSeconds(10)).headers();
    }

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

    public void onNext(final String line)
    {
        lines.incrementAndGet();
        parser.line(line);
    }

    public void onError(final Throwable ex)
    {
        failure.compareAndSet(null, ex);
        end.compareAndSet(End.OPEN, End.FAILED);
    }

    public void onComplete()
    {
        end.compareAndSet(End.OPEN, End.COMPLETED);
    }

    /** Closes the connection from the client side (idempotent). */
    public void close()
    {
        end.compareAndSet(End.OPEN, End.CANCELLED);
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

    List<SseFrame> frames()
    {
        synchronized (frames)
        {
            return new ArrayList<>(frames);
        }
    }

    int frameCount()
    {
        synchronized (frames)
        {
            return frames.size();
        }
    }

    SseFrame lastFrame()
    {
        synchronized (frames)
        {
            return frames.isEmpty() ? null : frames.get(frames.size() - 1);
        }
    }

    List<String> comments()
    {
        synchronized (comments)
        {
            return new ArrayList<>(comments);
        }
    }

    List<String> undispatchedBlocks()
    {
        synchronized (undispatched)
        {
            return new ArrayList<>(undispatched);
        }
    }

    long retryMs()
    {
        return retryMs;
    }

    End end()
    {
        return end.get();
    }

    Throwable failure()
    {
        return failure.get();
    }

    String label()
    {
        return label;
    }

    SseStream awaitFrames(final int count, final Duration timeout)
    {
        Await.until(timeout, label + " to receive " + count + " events", () -> frameCount() >= count, this::describe);
        return this;
    }

    SseStream awaitEnd(final Duration timeout)
    {
        Await.until(timeout, label + " to end", () -> end() != End.OPEN, this::describe);
        return this;
    }

    String describe()
    {
        final SseFrame last = lastFrame();
        return label + ": " + frameCount() + " events, last " + last + ", " + comments().size() + " comments, " +
            lines.get() + " lines, end " + end() + (failure() == null ? "" : " (" + failure() + ")");
    }
}
