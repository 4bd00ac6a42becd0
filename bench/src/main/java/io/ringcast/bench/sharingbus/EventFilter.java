package io.ringcast.bench.sharingbus;

import java.util.UUID;

/**
 * Port of {@code dirigent_protocol::streaming::EventFilter}, the variants the reference design uses: everything, one scroll id, one
 * connector uid. Immutable.
 */
public sealed interface EventFilter
{
    boolean matches(BusEvent event);

    /** {@code EventFilter::All}. */
    record All() implements EventFilter
    {
        @Override
        public boolean matches(final BusEvent event)
        {
            return true;
        }
    }

    /** {@code EventFilter::ScrollId(uuid)}. */
    record ScrollId(UUID id) implements EventFilter
    {
        @Override
        public boolean matches(final BusEvent event)
        {
            return id.equals(event.routing.scrollId);
        }
    }

    /** {@code EventFilter::ConnectorUid(uuid)}. */
    record ConnectorUid(UUID id) implements EventFilter
    {
        @Override
        public boolean matches(final BusEvent event)
        {
            return id.equals(event.routing.connectorUid);
        }
    }
}
