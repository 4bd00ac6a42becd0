package io.ringcast.sse;

import io.ringcast.engine.SlowConsumerPolicy;

/**
 * What every stream of one server shares, resolved once from the {@link ServerConfig}. Immutable.
 *
 * @param queueCapacity       per-stream engine queue capacity.
 * @param policy              the engine policy the {@link SlowClientPolicy} maps to.
 * @param drainBatch          most events per flush.
 * @param heartbeatIntervalMs comment-line period of an idle stream.
 * @param retryFrame          the first frame of every stream.
 */
record StreamSettings(
    int queueCapacity, SlowConsumerPolicy policy, int drainBatch, long heartbeatIntervalMs, byte[] retryFrame)
{
    static StreamSettings of(final ServerConfig config)
    {
        return new StreamSettings(
            config.queueCapacity(),
            config.slowClientPolicy() == SlowClientPolicy.DISCONNECT ?
                SlowConsumerPolicy.DISCONNECT : SlowConsumerPolicy.DROP_NEWEST,
            config.drainBatch(),
            config.heartbeatIntervalMs(),
            SseFrames.retry(config.retryMs()));
    }
}
