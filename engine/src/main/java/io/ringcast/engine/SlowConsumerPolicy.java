package io.ringcast.engine;

/** What the dispatcher does when a subscription's queue is full. Either way the ring and other subscribers never wait. */
public enum SlowConsumerPolicy
{
    /** Drop the event for this subscription only, count it in {@link Subscription#dropped()}, and go on. */
    DROP_NEWEST,
    /**
     * Drop and count as {@link #DROP_NEWEST}; once {@link SubscribeOptions#disconnectAfterDrops(int)} events have
     * been dropped, close the subscription with {@link CloseReason#SLOW_CONSUMER}, so that a network client can
     * reconnect and resume from history without a silent gap.
     */
    DISCONNECT
}
