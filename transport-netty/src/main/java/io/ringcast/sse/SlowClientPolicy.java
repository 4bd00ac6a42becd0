package io.ringcast.sse;

/** What a stream does when its client reads slower than events arrive and its queue overflows. */
public enum SlowClientPolicy
{
    /**
     * Flush what is queued, then end the stream; the client reconnects with {@code Last-Event-ID} and resumes from
     * history without a gap. The default.
     */
    DISCONNECT,
    /** Keep the stream open, drop the events that do not fit and count them in {@code /metrics}. */
    DROP
}
