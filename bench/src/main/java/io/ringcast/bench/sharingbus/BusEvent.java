package io.ringcast.bench.sharingbus;

import java.util.UUID;

/**
 * Port of {@code dirigent_protocol::streaming::BusEvent}: routing metadata, origin and the wrapped domain event
 * (shared, as the reference design's {@code Arc<Event>}). {@link SharingBus#publish} may fill {@code routing.scrollId} in, as the
 * reference design does on its owned copy.
 */
public final class BusEvent
{
    public final EventRouting routing;
    public final Origin origin;
    public final Object event;

    public BusEvent(final EventRouting routing, final Origin origin, final Object event)
    {
        this.routing = routing;
        this.origin = origin;
        this.event = event;
    }

    /** Port of {@code EventRouting}; {@code null} stands for {@code None}. */
    public static final class EventRouting
    {
        public UUID scrollId;
        public final UUID connectorUid;
        public final String connectorId;
        public final String nativeSessionId;
        public final Kind kind;

        public EventRouting(
            final UUID scrollId, final UUID connectorUid, final String connectorId, final String nativeSessionId,
            final Kind kind)
        {
            this.scrollId = scrollId;
            this.connectorUid = connectorUid;
            this.connectorId = connectorId;
            this.nativeSessionId = nativeSessionId;
            this.kind = kind;
        }
    }

    /** Port of {@code EventKind} (the variants the reference design names). */
    public enum Kind
    {
        SYSTEM,
        SESSION_LIFECYCLE
    }

    /** Port of {@code EventOrigin}. */
    public enum Origin
    {
        RUNTIME
    }

    /** Port of {@code Event::SessionRegistered}, the event that late-binds a scroll id. */
    public record SessionRegistered(String connectorId, String sessionId, String scrollId)
    {
    }
}
