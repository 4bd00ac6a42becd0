package io.ringcast.sse;

import io.ringcast.engine.SlowConsumerPolicy;

import java.util.concurrent.TimeUnit;

/**
 * What every stream of one server shares, resolved once from the {@link ServerConfig}. Immutable.
 *
 * @param queueCapacity       per-stream engine queue capacity.
 * @param policy              the engine policy the {@link SlowClientPolicy} maps to.
 * @param slowClientPolicy    what a stream does at any of its bounds.
 * @param drainBatch          most events per flush.
 * @param heartbeatIntervalMs comment-line period of an idle stream.
 * @param retryMs             the reconnection delay sent to clients.
 * @param retryFrame          the first frame of every stream.
 * @param streamBufferBytes   per-stream budget of unwritten bytes.
 * @param pendingBytesBudget  budget of unwritten bytes of all streams together.
 * @param writeTimeoutNanos   longest wait for written bytes to reach the socket.
 */
record StreamSettings(
    int queueCapacity,
    SlowConsumerPolicy policy,
    SlowClientPolicy slowClientPolicy,
    int drainBatch,
    long heartbeatIntervalMs,
    long retryMs,
    byte[] retryFrame,
    int streamBufferBytes,
    long pendingBytesBudget,
    long writeTimeoutNanos)
{
    static StreamSettings of(final ServerConfig config)
    {
        return new StreamSettings(
            config.queueCapacity(),
            config.slowClientPolicy() == SlowClientPolicy.DISCONNECT ?
                SlowConsumerPolicy.DISCONNECT : SlowConsumerPolicy.DROP_NEWEST,
            config.slowClientPolicy(),
            config.drainBatch(),
            config.heartbeatIntervalMs(),
            config.retryMs(),
            SseFrames.retry(config.retryMs()),
            config.streamBufferBytes(),
            config.effectivePendingBytesBudget(),
            TimeUnit.MILLISECONDS.toNanos(config.writeTimeoutMs()));
    }
}
