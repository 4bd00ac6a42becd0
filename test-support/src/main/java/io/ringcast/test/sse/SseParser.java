package io.ringcast.test.sse;

import java.util.function.Consumer;

/**
 * The WHATWG {@code text/event-stream} interpretation, fed one line at a time (the caller splits on CR, LF or CRLF).
 * Comments, {@code retry:} and blocks without data (which a browser would not dispatch) are reported too, so tests
 * can see exactly what went over the wire.
 *
 * <p>Not thread-safe: one connection's reader thread feeds it.
 */
public final class SseParser
{
    /** What the parser reports besides dispatched frames. */
    public interface Listener
    {
        void onFrame(SseFrame frame);

        void onComment(String text);

        void onRetry(long retryMs);

        /** A blank line ended a block that had fields but no data: a browser dispatches nothing. */
        void onUndispatchedBlock(String eventType, String lastEventId);
    }

    private final Listener listener;
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventId = "";
    private boolean blockHasFields;
    private boolean blockHasId;
    private boolean blockHasData;
    private boolean blockHasType;

    public SseParser(final Listener listener)
    {
        this.listener = listener;
    }

    public static SseParser dispatchingTo(final Consumer<SseFrame> frames)
    {
        return new SseParser(new Listener()
        {
            public void onFrame(final SseFrame frame)
            {
                frames.accept(frame);
            }

            public void onComment(final String text)
            {
            }

            public void onRetry(final long retryMs)
            {
            }

            public void onUndispatchedBlock(final String eventType, final String lastEventId)
            {
            }
        });
    }

    public String lastEventId()
    {
        return lastEventId;
    }

    public void line(final String line)
    {
        if (line.isEmpty())
        {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':')
        {
            listener.onComment(line.substring(1));
            return;
        }
        final int colon = line.indexOf(':');
        final String field;
        String value;
        if (colon < 0)
        {
            field = line;
            value = "";
        }
        else
        {
            field = line.substring(0, colon);
            value = line.substring(colon + 1);
            if (value.startsWith(" "))
            {
                value = value.substring(1);
            }
        }
        field(field, value);
    }

    private void field(final String field, final String value)
    {
        switch (field)
        {
            case "event" ->
            {
                eventType = value;
                blockHasType = true;
            }
            case "data" ->
            {
                data.append(value).append('\n');
                blockHasData = true;
            }
            case "id" ->
            {
                if (value.indexOf('\0') < 0)
                {
                    lastEventId = value;
                    blockHasId = true;
                }
            }
            case "retry" ->
            {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9'))
                {
                    listener.onRetry(Long.parseLong(value));
                }
            }
            default ->
            {
                return; // unknown fields are ignored, as a browser does
            }
        }
        blockHasFields = true;
    }

    private void dispatch()
    {
        if (!blockHasData)
        {
            if (blockHasFields && (!eventType.isEmpty() || blockHasId))
            {
                listener.onUndispatchedBlock(eventType, lastEventId);
            }
            resetBlock();
            return;
        }
        data.setLength(data.length() - 1);
        final String type = eventType.isEmpty() ? "message" : eventType;
        listener.onFrame(
            new SseFrame(lastEventId, blockHasId, type, blockHasType, data.toString(), System.nanoTime()));
        resetBlock();
    }

    private void resetBlock()
    {
        data.setLength(0);
        eventType = "";
        blockHasFields = false;
        blockHasId = false;
        blockHasData = false;
        blockHasType = false;
    }
}
