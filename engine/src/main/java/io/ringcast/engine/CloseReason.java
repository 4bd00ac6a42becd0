package io.ringcast.engine;

/** Why a subscription ended. */
public enum CloseReason
{
    /** {@link Subscription#close()} was called. */
    CLOSED_BY_CONSUMER,
    /** Its queue overflowed under {@link SlowConsumerPolicy#DISCONNECT}; resume from the last event id received. */
    SLOW_CONSUMER,
    /** {@link Engine#closeTopic(String)} ended the topic it subscribed to. */
    TOPIC_CLOSED,
    /** The consumer stopped draining (queue full for longer than the abandon timeout) or dropped its handle. */
    ABANDONED,
    /** The engine was closed. */
    ENGINE_CLOSED
}
