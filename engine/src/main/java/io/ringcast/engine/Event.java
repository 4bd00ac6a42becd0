package io.ringcast.engine;

import org.agrona.BitUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An event as delivered to subscribers: the publisher's fields plus the id and timestamp the engine assigned, and the
 * origin node for events relayed from other replicas.
 *
 * <p>Events are written once, into the engine's preallocated storage (the ring, which is also the history), and are
 * not allocated per publish. What a handler receives is therefore a <em>view</em>:
 * <ul>
 *     <li>in {@link Subscription#drain} and {@link Subscription#poll}, the subscription's own copy of the stored event,
 *     valid until the next {@code drain}/{@code poll} of that subscription;</li>
 *     <li>in {@link EventReader#drain}, the reader's copy, shared by every subscription it drains that matched the
 *     event, valid during the handler's call only;</li>
 *     <li>in an {@link Enricher}, {@link EventIdFormatter}, {@link EventEncoder} or {@link EventStage}, the stored
 *     event itself, valid during the call only.</li>
 * </ul>
 * Call {@link #copy()} to keep an event longer (it allocates). Events rebuilt from an {@link EventLog} are such
 * detached copies. The payload is read without allocating through {@link #payloadLength()},
 * {@link #payloadBuffer()} or {@link #copyPayload(byte[], int)}; {@link #payload()} returns a fresh array.
 *
 * <p>Thread-safety: a view is read by the thread it was handed to; a {@link #copy()} is immutable and may be shared.
 * Inside the engine, the stored event carries a sequence word the dispatcher sets (opaque) before it hands the
 * position to any subscriber. A reader copies the fields between an acquire read of that word and, behind a load-load
 * fence, a re-read of it and an acquire read of the ring's gating sequence; a publisher rewrites a slot only after the
 * gating sequence has reached it, and the dispatcher withdraws the word before it clears anything in a slot, so an
 * event overwritten while it was copied is detected and counted as dropped, never delivered torn (Aeron's copying
 * broadcast receiver).
 */
public final class Event extends EventStampFields
{
    /** Sequence word of a slot that has never held an event. */
    static final long EMPTY = Long.MIN_VALUE;
    /** {@link EventStampFields#extras}: relayed from another node; {@link #origin} and {@link #originSequence} hold its stamps. */
    static final int RELAYED = 1;
    /** {@link EventStampFields#extras}: {@link #encoded} holds what the configured encoder produced. */
    static final int ENCODED = 2;
    /** {@link EventStampFields#extras}: {@link #formattedId} holds what the configured formatter produced. */
    static final int FORMATTED = 4;
    private static final byte[] NO_BYTES = new byte[0];
    private static final VarHandle SEQUENCE;

    static
    {
        try
        {
            SEQUENCE = MethodHandles.lookup().findVarHandle(EventStampFields.class, "sequence", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    String topic;
    /** The handle it was published with, or {@code null} (a {@link Message}): lets the index skip hashing. */
    Topic topicHandle;
    String type;
    String audience;
    Attributes attributes = Attributes.EMPTY;
    /**
     * The payload bytes: {@link #ownBuffer}, or an immutable array shared with readers (borrowed from a {@link Message},
     * or a large written payload's own copy); valid up to payloadLength.
     */
    byte[] payload = NO_BYTES;
    int payloadLength;
    /** This instance's reusable payload buffer, grown on demand up to {@link Engine#RETAINED_PAYLOAD_BYTES}. */
    private byte[] ownBuffer = NO_BYTES;
    /** Heap estimate for history accounting; see {@link #footprintBytes()}. */
    int footprintBytes;
    private UnsafeBuffer payloadView;
    /** The origin of a relayed event (with {@link #RELAYED}). */
    String origin;
    /** The id a relayed event had on its origin (with {@link #RELAYED}). */
    long originSequence;
    /** The encoder's result (with {@link #ENCODED}); cleared with the bit, so a slot does not keep an old frame alive. */
    Object encoded;
    /** The formatter's result (with {@link #FORMATTED}); cleared with the bit. */
    String formattedId;
    /** This node's id: the origin of a local event, fixed per instance (the slots and views of one engine share it). */
    final String localOrigin;

    /** A detached copy's or a test's instance: empty until written, its local origin unknown. */
    Event()
    {
        this(null);
    }

    /** A ring slot or a reader's view of one engine: empty until written. @param localOrigin the engine's node id. */
    Event(final String localOrigin)
    {
        this.localOrigin = localOrigin;
    }

    /** See {@link EventLog#restore}. */
    static Event restore(
        final long id, final long timestampMs, final Message message, final String origin, final long originSequence)
    {
        final Event e = new Event();
        e.setMessage(message);
        e.stamp(id, timestampMs, origin, originSequence);
        e.footprintBytes = message.footprintBytes;
        return e;
    }

    // ------------------------------------------------------------------ writing (publisher, then dispatcher)

    /**
     * Publisher, in a claimed slot: the message's fields; its payload array is borrowed, not copied, and its footprint
     * was computed when it was built.
     *
     * <p>Reference fields are stored only when they change (here and in {@link #copyTo}): slots and views are
     * long-lived, so each reference store into them pays the collector's card-marking barrier, which under G1
     * includes a full fence; a topic, type or attribute set repeated from the slot's previous event costs a load.
     */
    void setMessage(final Message message)
    {
        setTopic(message.topic, message.topicHandle);
        setRouting(message.type, message.audience, message.attributes);
        final byte[] payload = message.payload;
        if (this.payload != payload)
        {
            this.payload = payload;
        }
        payloadLength = payload.length;
        footprintBytes = message.footprintBytes;
    }

    /**
     * Publisher, in a claimed slot: hands the message over by reference: it is the event's content (see
     * {@link #source}). The publisher then writes one reference into a line of the slot instead of every field across
     * all of them, so the lines the dispatcher takes from the publisher's core per event are fewer; the message stays
     * referenced by the slot while the event is retained, as its payload would be anyway.
     */
    void setSource(final Message message)
    {
        source = message; // always changes (a new message per event, or the same one many slots later)
    }

    /**
     * Publisher, after {@link #setSource} or {@link #setWritten}: a local event; the dispatcher stamps its id and time,
     * and its origin is this node ({@link #localOrigin}). Writes only the stamps' line; the dispatcher drops what its
     * stages computed for the slot's previous event ({@link #clearDerived}).
     */
    void setLocal()
    {
        if (extras != 0)
        {
            extras = 0;
        }
    }

    /**
     * Dispatcher, before an enricher may change it: copies the content of an event published by reference into this
     * instance's own fields and lets go of the message, so the fields can then be changed.
     */
    void materialize()
    {
        final Message message = source;
        if (message != null)
        {
            setMessage(message);
            source = null;
        }
    }

    /** Publisher, in a claimed slot: the writer's fields ({@link #setWritten(Topic, String, String, Attributes, byte[], int, int)}). */
    void setWritten(final EventWriter writer)
    {
        setWritten(writer.topic, writer.type, writer.audience, writer.attributes, writer.payload, writer.payloadOffset,
            writer.payloadLength);
    }

    /**
     * Publisher, in a claimed slot: validated fields, the payload copied. A payload of up to
     * {@link Engine#RETAINED_PAYLOAD_BYTES} is copied into this slot's own buffer (no allocation once the buffer has
     * grown to it); a larger one into an array of its own, which the slot then shares with every reader as it shares a
     * {@link Message}'s: the slot's buffer stays small, and so does every subscription's view that copies from it.
     */
    void setWritten(
        final Topic handle, final String type, final String audience, final Attributes attributes,
        final byte[] source, final int offset, final int length)
    {
        if (this.source != null)
        {
            this.source = null; // a message this slot held on its previous lap
        }
        setTopic(handle.name, handle);
        setRouting(type, audience, attributes);
        final byte[] buffer = length <= Engine.RETAINED_PAYLOAD_BYTES ? ownBuffer(length) : new byte[length];
        System.arraycopy(source, offset, buffer, 0, length);
        if (payload != buffer)
        {
            payload = buffer;
        }
        payloadLength = length;
        footprintBytes = footprintOf(length, handle.name, type, audience, attributes);
    }

    private void setTopic(final String topic, final Topic handle)
    {
        if (this.topic != topic)
        {
            this.topic = topic;
        }
        if (topicHandle != handle)
        {
            topicHandle = handle;
        }
    }

    private void setRouting(final String type, final String audience, final Attributes attributes)
    {
        if (this.type != type)
        {
            this.type = type;
        }
        if (this.audience != audience)
        {
            this.audience = audience;
        }
        if (this.attributes != attributes)
        {
            this.attributes = attributes;
        }
    }

    /** The heap estimate of an event's own fields, for history accounting (the same formula as {@link Message}). */
    static int footprintOf(
        final int payloadLength, final String topic, final String type, final String audience,
        final Attributes attributes)
    {
        return 96 + payloadLength + topic.length() + (type == null ? 0 : type.length()) +
            (audience == null ? 0 : audience.length()) + attributes.footprintBytes();
    }

    /**
     * Publisher (a relayed event) or a log's restore: id, time, origin and the id on the origin; clears what the
     * dispatcher's stages computed for the slot's previous event.
     */
    void stamp(final long id, final long timestampMs, final String origin, final long originSequence)
    {
        this.id = id;
        this.timestampMs = timestampMs;
        if (this.origin != origin)
        {
            this.origin = origin;
        }
        this.originSequence = originSequence;
        extras = RELAYED; // the dispatcher drops the previous event's encoded form and formatted id (clearDerived)
    }

    /**
     * Dispatcher, before the stages: drops what they computed for the slot's previous event (stores only where
     * something is left).
     */
    void clearDerived()
    {
        clearOptionalStamps();
        final int extras = this.extras;
        if ((extras & ~RELAYED) != 0)
        {
            this.extras = extras & RELAYED;
        }
    }

    /** Drops the encoded form and the formatted id (stores only where set). */
    private void clearOptionalStamps()
    {
        if (encoded != null)
        {
            encoded = null;
        }
        if (formattedId != null)
        {
            formattedId = null;
        }
    }

    /** Dispatcher thread, before the event is shared: the configured encoder's result, {@code null} for none. */
    void setEncoded(final Object encoded)
    {
        if (encoded != null)
        {
            this.encoded = encoded;
            extras |= ENCODED;
        }
    }

    /**
     * @return this instance's buffer, grown to the power of two at or above {@code length} (at most
     *         {@link Engine#RETAINED_PAYLOAD_BYTES} unless {@code length} is larger) when it is shorter: payloads that
     *         vary in length around one size then grow a slot's buffer once, not again on the storage's next lap (each
     *         such late buffer outlives a young collection and is promoted, leaving the one it replaced as old garbage).
     */
    private byte[] ownBuffer(final int length)
    {
        if (ownBuffer.length < length)
        {
            ownBuffer = new byte[Math.max(length,
                Math.min(Engine.RETAINED_PAYLOAD_BYTES, BitUtil.findNextPositivePowerOfTwo(length)))];
        }
        return ownBuffer;
    }

    /** Dispatcher: the stored event is complete; from now on subscribers may be given its position. */
    void publishAs(final long ringSequence)
    {
        SEQUENCE.setOpaque(this, ringSequence); // ordered before the queue offers by their release stores
    }

    /**
     * Dispatcher, after the history's tail has moved past this event while readers could still validate it (evicted
     * by the bytes bound, or large): withdraws the sequence word (release store, then a store-store fence, so a reader
     * that sees any store below fails its re-check), then, for a large event ({@code retainedBufferBytes >= 0}), drops
     * what it references beyond the slot's own retained buffer, so evicted bytes are really freed. Events evicted by
     * the count bound are not touched (their slot is cold, gated off at the batch's end; the next publisher
     * overwrites it).
     *
     * @param retainedBufferBytes the payload buffer a slot keeps, or {@code -1} to withdraw without releasing.
     */
    void withdraw(final int retainedBufferBytes)
    {
        SEQUENCE.setRelease(this, EMPTY);
        VarHandle.storeStoreFence();
        if (retainedBufferBytes >= 0)
        {
            release(retainedBufferBytes);
        }
    }

    private void release(final int retainedBufferBytes)
    {
        source = null;
        payload = NO_BYTES;
        payloadLength = 0;
        clearOptionalStamps();
        extras &= RELAYED;
        if (ownBuffer.length > retainedBufferBytes)
        {
            ownBuffer = NO_BYTES;
        }
    }

    /**
     * Any thread: copies the stored event at ring position {@code position} into {@code view}. The caller must then
     * check that the slot cannot have been reused ({@link History#copy} reads the ring's gating sequence with acquire
     * after this method's load-load fence): a publisher rewrites a slot only after the gating sequence reached it.
     *
     * @return {@code false} when the slot was dispatched as another position before or during the copy: {@code view}
     *         then holds garbage and must not be delivered.
     */
    boolean copyTo(final long position, final Event view)
    {
        if (!isDispatchedAs(position))
        {
            return false;
        }
        view.id = id;
        view.timestampMs = timestampMs;
        final Message message = source;
        if (view.source != message)
        {
            view.source = message;
        }
        final int extras = this.extras;
        if ((extras | view.extras) != 0)
        {
            copyOptionalStampsTo(view, extras);
        }
        if (message == null)
        {
            copyContentTo(view);
        }
        VarHandle.loadLoadFence(); // the field reads above before the re-check
        return (long)SEQUENCE.getOpaque(this) == position;
    }

    /** {@link #copyTo}, for an event with optional stamps or a view that held some: the flagged ones, by reference. */
    private void copyOptionalStampsTo(final Event view, final int extras)
    {
        view.extras = extras;
        if ((extras & RELAYED) != 0)
        {
            if (view.origin != origin)
            {
                view.origin = origin;
            }
            view.originSequence = originSequence;
        }
        final Object encoded = (extras & ENCODED) != 0 ? this.encoded : null;
        if (view.encoded != encoded)
        {
            view.encoded = encoded;
        }
        final String formattedId = (extras & FORMATTED) != 0 ? this.formattedId : null;
        if (view.formattedId != formattedId)
        {
            view.formattedId = formattedId;
        }
    }

    /** {@link #copyTo}, for an event whose content is in its own fields: those fields. */
    private void copyContentTo(final Event view)
    {
        view.setTopic(topic, null);
        view.setRouting(type, audience, attributes);
        view.footprintBytes = footprintBytes;
        final byte[] source = payload;
        final int length = Math.max(0, Math.min(payloadLength, source.length)); // torn reads must not throw
        if (source == ownBuffer)
        {
            // the slot's own buffer is rewritten by the slot's next publisher: copy
            final byte[] copy = view.ownBuffer(length);
            System.arraycopy(source, 0, copy, 0, length);
            if (view.payload != copy)
            {
                view.payload = copy;
            }
        }
        else if (view.payload != source)
        {
            view.payload = source; // borrowed from a Message, immutable once published: share, do not copy
        }
        view.payloadLength = length;
    }

    /** Any thread: @return {@code true} when this stored event's sequence word says {@code position} (acquire). */
    boolean isDispatchedAs(final long position)
    {
        return (long)SEQUENCE.getAcquire(this) == position;
    }

    // ------------------------------------------------------------------ reading

    /** @return a detached, immutable copy that may be kept and shared (allocates). */
    public Event copy()
    {
        final Event e = new Event(localOrigin);
        e.id = id;
        e.timestampMs = timestampMs;
        e.source = source; // immutable: shared
        e.topic = topic;
        e.type = type;
        e.audience = audience;
        e.attributes = attributes;
        e.payload = source != null ? NO_BYTES : Arrays.copyOf(payload, payloadLength);
        e.payloadLength = source != null ? 0 : payloadLength;
        e.extras = extras;
        e.origin = origin;
        e.originSequence = originSequence;
        e.encoded = encoded();
        e.formattedId = formattedId();
        e.footprintBytes = footprintBytes;
        return e;
    }

    /** @return the engine-assigned id: unique and increasing per node, also across restarts; see {@link EventIds}. */
    public long id()
    {
        return id;
    }

    /**
     * @return the id in its printable form, as used for SSE {@code id:} and {@code Last-Event-ID}: what the configured
     *         {@link EventIdFormatter} gave this event, else the decimal {@link #id()}.
     */
    public String idString()
    {
        final String formatted = formattedId();
        return formatted != null ? formatted : EventIds.format(id);
    }

    /** @return {@code true} when an {@link EventIdFormatter} gave this event its {@link #idString()}. */
    public boolean hasFormattedId()
    {
        return (extras & FORMATTED) != 0;
    }

    /** @return the formatter's result, or {@code null}. */
    private String formattedId()
    {
        return (extras & FORMATTED) != 0 ? formattedId : null;
    }

    /**
     * @return wall-clock milliseconds since the epoch at which the event entered this engine's ordered log: the
     *         dispatcher reads the clock once per batch of events, so events dispatched together share a timestamp,
     *         and it never lets the value decrease, so among this node's own events a larger id never has an earlier
     *         timestamp (seeking by time in a log is seeking by id). An event relayed from another replica keeps the
     *         timestamp its origin gave it.
     */
    public long timestampMs()
    {
        return timestampMs;
    }

    public String topic()
    {
        final Message message = source;
        return message != null ? message.topic : topic;
    }

    /** @return the handle the event was published with, or {@code null} (published with a topic name). */
    Topic topicHandle()
    {
        final Message message = source;
        return message != null ? message.topicHandle : topicHandle;
    }

    /** @return the type, or {@code null}. */
    public String type()
    {
        final Message message = source;
        return message != null ? message.type : type;
    }

    /** @return the user the event is private to, or {@code null} for a public event. */
    public String audience()
    {
        final Message message = source;
        return message != null ? message.audience : audience;
    }

    /** @return the routing attributes after enrichment. */
    public Attributes attributes()
    {
        final Message message = source;
        return message != null ? message.attributes : attributes;
    }

    /** @return a new array holding the payload (allocates; see {@link #payloadBuffer()} for a view). */
    public byte[] payload()
    {
        final Message message = source;
        return message != null ? message.payload.clone() : Arrays.copyOf(payload, payloadLength);
    }

    /** @return the payload length in bytes. */
    public int payloadLength()
    {
        final Message message = source;
        return message != null ? message.payload.length : payloadLength;
    }

    /** The payload's array, valid up to {@link #payloadLength()}: the message's, or this instance's. */
    private byte[] payloadArray()
    {
        final Message message = source;
        return message != null ? message.payload : payload;
    }

    /**
     * @return a read-only view of the payload, valid as long as this event is (see the class comment). For an event
     *         published as a {@link Message}, the message's own view, shared by every reader and created by the first
     *         (one allocation per message, which the convenient path allocates anyway); for an event written in place,
     *         this view's reused buffer (no allocation after the first call on a view).
     */
    public DirectBuffer payloadBuffer()
    {
        final Message message = source;
        if (message != null)
        {
            return message.payloadView(); // immutable, shared by every view of every event carrying the message
        }
        UnsafeBuffer view = payloadView;
        if (view == null)
        {
            view = new UnsafeBuffer(NO_BYTES);
            payloadView = view;
        }
        final byte[] payload = this.payload;
        final int payloadLength = this.payloadLength;
        if (view.byteArray() != payload || view.capacity() != payloadLength)
        {
            view.wrap(payload, 0, payloadLength); // a subscription's view reuses its buffer: usually wrapped already
        }
        return view;
    }

    /**
     * Copies the payload into {@code destination} at {@code offset}.
     *
     * @return the number of bytes copied, {@link #payloadLength()}.
     * @throws IndexOutOfBoundsException when it does not fit.
     */
    public int copyPayload(final byte[] destination, final int offset)
    {
        final int payloadLength = payloadLength();
        System.arraycopy(payloadArray(), 0, destination, offset, payloadLength);
        return payloadLength;
    }

    /**
     * Copies the payload into {@code destination} at {@code index} (one bounds check and one copy; allocates nothing).
     *
     * @return the number of bytes copied, {@link #payloadLength()}.
     * @throws IndexOutOfBoundsException when it does not fit.
     */
    public int copyPayload(final MutableDirectBuffer destination, final int index)
    {
        final int payloadLength = payloadLength();
        destination.putBytes(index, payloadArray(), 0, payloadLength);
        return payloadLength;
    }

    /** @return the payload decoded as UTF-8. */
    public String payloadAsString()
    {
        return new String(payloadArray(), 0, payloadLength(), StandardCharsets.UTF_8);
    }

    /** @return the node id of the replica where the event was first published. */
    public String origin()
    {
        return (extras & RELAYED) != 0 ? origin : localOrigin;
    }

    /** @return the id the event had on its origin node; equal to {@link #id()} for local events. */
    public long originSequence()
    {
        return (extras & RELAYED) != 0 ? originSequence : id;
    }

    /** @return {@code true} when the event was published on this node, {@code false} when relayed from another. */
    public boolean isLocal()
    {
        return (extras & RELAYED) == 0;
    }

    /**
     * @return what the configured {@link EventEncoder} produced for this event (for example a shared SSE frame), or
     *         {@code null} when no encoder is configured.
     */
    public Object encoded()
    {
        return (extras & ENCODED) != 0 ? encoded : null;
    }

    /** @return an estimate of the heap this event retains, for history accounting. */
    int footprintBytes()
    {
        final Message message = source;
        if (message == null)
        {
            return footprintBytes;
        }
        final String formatted = formattedId();
        return formatted == null ? message.footprintBytes : message.footprintBytes + 40 + formatted.length();
    }

    /** Dispatcher thread, before the event is shared: sets the formatted id, counted in the footprint. */
    void setFormattedId(final String id)
    {
        if (source == null)
        {
            footprintBytes += 40 + id.length(); // by reference: footprintBytes() adds it
        }
        formattedId = id;
        extras |= FORMATTED;
    }

    /** Dispatcher thread, before the event is shared: replaces the routing attributes after enrichment. */
    void enrichAttributes(final Attributes enriched)
    {
        materialize();
        footprintBytes += enriched.footprintBytes() - attributes.footprintBytes();
        attributes = enriched;
    }

    @Override
    public String toString()
    {
        final String type = type();
        final String audience = audience();
        return "Event{id=" + id + ", topic='" + topic() + '\'' + (type == null ? "" : ", type='" + type + '\'') +
            (audience == null ? "" : ", audience='" + audience + '\'') + ", attributes=" + attributes() +
            ", payload=" + payloadLength() + "B, origin='" + origin() + "'}";
    }
}

/**
 * The fields of an {@link Event} that the publisher and the dispatcher write and every delivery reads, per event:
 * declared in a superclass so that the JVM lays them out first, together (a class's own fields follow its
 * superclass's), in 32 bytes after the object header, instead of interleaved with the content fields by size. A delivery
 * of a local event held by reference then reads these and nothing else of the slot. Measured: 256 subscribers drained
 * on one thread 82 / 62 / 95M against 57 / 45 / 37M deliveries/s, three alternated pairs; the optional stamps moved out
 * behind {@code extras}, 108-117M against 124-127M with three threads on two cores (bench/results/NOTES-2026-12-06.md,
 * "Thirteenth session", "Fourteenth session").
 */
abstract class EventStampFields
{
    /**
     * Which of the optional stamps this event has ({@link Event#RELAYED}, {@link Event#ENCODED},
     * {@link Event#FORMATTED}); 0 for a local event with neither an encoded form nor a formatted id, whose copy then
     * reads and writes nothing beyond this line. The optional stamps themselves are the event's own fields, read only
     * when their bit is set.
     */
    int extras;
    /** Stored events: the ring sequence this slot was last dispatched as, or {@link Event#EMPTY}; see {@link Event}. */
    long sequence = Event.EMPTY;
    long id;
    long timestampMs;
    /**
     * The event's content by reference: the immutable message its publisher handed over ({@link Event#setSource}),
     * whose topic, handle, type, audience, attributes, payload and footprint are this event's; {@code null} when the
     * content is in the event's own fields instead (a written event, or one an enricher changed:
     * {@link Event#materialize}). A reader's view copies this one reference instead of those eight fields.
     */
    Message source;
}
