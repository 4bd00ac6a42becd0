package io.ringcast.engine;

import com.lmax.disruptor.RingBuffer;

/**
 * What the dispatcher does to a slot, for the jcstress tests of the storage: the publisher's write, the dispatcher's
 * stamp (id {@code 100 + position}), the slot's sequence word, and the history's append. Stateless.
 */
final class Dispatching
{
    private Dispatching()
    {
    }

    /** @return a writer of events on {@code topic} whose 8-byte payload holds {@code fill} in every byte. */
    static EventWriter writer(final Topic topic, final byte fill)
    {
        final EventWriter writer = new EventWriter(null);
        writer.topic = topic;
        writer.payload(new byte[] {fill, fill, fill, fill, fill, fill, fill, fill});
        return writer;
    }

    /** Publishes {@code message} by reference at {@code position} of {@code ring} and appends it to {@code history}. */
    static void dispatch(final RingBuffer<Event> ring, final History history, final Message message, final long position)
    {
        final Event slot = ring.get(position);
        slot.setSource(message);
        stampAndAppend(history, slot, position);
    }

    /** Writes {@code writer}'s event at {@code position} of {@code ring} and appends it to {@code history}. */
    static void dispatch(final RingBuffer<Event> ring, final History history, final EventWriter writer, final long position)
    {
        final Event slot = ring.get(position);
        slot.setWritten(writer);
        stampAndAppend(history, slot, position);
    }

    /** The dispatcher's part: stamps id {@code 100 + position}, sets the sequence word, appends to the history. */
    private static void stampAndAppend(final History history, final Event slot, final long position)
    {
        slot.setLocal();
        slot.id = 100 + position;
        slot.timestampMs = 1;
        slot.publishAs(position);
        history.append(position, slot);
    }
}
