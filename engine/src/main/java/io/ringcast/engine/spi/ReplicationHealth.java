package io.ringcast.engine.spi;

/**
 * Health of a {@link Replication}, for {@code /healthz}. Immutable.
 *
 * @param state  {@code "ok"}, {@code "degraded"} (local delivery works, replication does not) or {@code "starting"}.
 * @param detail a human-readable reason, empty when ok.
 */
public record ReplicationHealth(String state, String detail)
{
    /** @return {@code true} when the state is {@code "ok"}. */
    public boolean ok()
    {
        return "ok".equals(state);
    }
}
