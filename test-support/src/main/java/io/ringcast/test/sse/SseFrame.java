package io.ringcast.test.sse;

/**
 * One event as an SSE client dispatches it (WHATWG "dispatch the event" step): the last event id in effect, the
 * event type ({@code message} when the frame named none) and the data with the lines joined by {@code \n}.
 *
 * @param id       the last event id buffer when the frame was dispatched ({@code ""} when none was ever set).
 * @param hadId    whether this very frame carried an {@code id:} field.
 * @param type     the event type.
 * @param hadType  whether this very frame carried an {@code event:} field.
 * @param data     the data buffer without its final line feed.
 * @param received {@link System#nanoTime()} when the frame's blank line arrived.
 */
public record SseFrame(String id, boolean hadId, String type, boolean hadType, String data, long received)
{
    /** @return the id as a number; fails the test when it is not one. */
    public long numericId()
    {
        try
        {
            return Long.parseLong(id);
        }
        catch (final NumberFormatException ex)
        {
            throw new AssertionError("event id is not a decimal number: '" + id + "' in " + this, ex);
        }
    }
}
