package io.ringcast.engine;

/**
 * Padding done once, Agrona-style, for single-producer single-consumer structures ({@link PositionQueue}) to extend:
 * <pre>
 *   [ header | producer fields ] 7 longs [ consumer fields: head, the consumer's array reference ]
 * </pre>
 * Seven longs (one 64-byte line, as Disruptor's {@code Sequence} pads) between the producer's fields (which include
 * its own copies of the capacity and the array) and the consumer's: a consumer's store to its head never invalidates
 * the line the producer reads and writes on each offer, and an offer touches only the producer's line and the array.
 * The consumer's line is read by the producer only when its cached head says the queue is full, and its array
 * reference is written only when the queue grows. One padding, not two or four, because a subscription must stay
 * small when idle (thousands of them per engine).
 */
abstract class PaddedProducerConsumerIndices extends ConsumerIndexField
{
}

class ProducerIndexField
{
    /** Next position the producer writes; see the subclass for its memory order. */
    long tail;
    /** The last position accepted (producer-only, plain): positions must increase. */
    long lastOffered = -1;
    /** The producer's cached copy of the consumer's head (producer-only, plain). */
    long headCache;
    /**
     * The tail at which an offer must look at the consumer's head again: {@code headCache} plus the smaller of the
     * capacity and the array's length (producer-only, plain), one comparison per offer.
     */
    long producerLimit;
    /** Offers refused because the queue was full (producer-written, opaque; any thread reads). */
    long refused;
    /** The producer's own reference to the current array (producer-only, plain): an offer reads only this line. */
    long[] producerBuffer;
    /** {@code producerBuffer.length - 1} (producer-only, plain). */
    int producerMask;
    /** The most entries the queue may hold (set at construction; the producer reads it with its other fields). */
    int capacity;
}

class ProducerIndexPadding extends ProducerIndexField
{
    long p01, p02, p03, p04, p05, p06, p07;
}

class ConsumerIndexField extends ProducerIndexPadding
{
    /** Next position the consumer reads; see the subclass for its memory order. */
    long head;
    /** The array the consumer reads: replaced by the producer when the queue grows; see the subclass. */
    long[] buffer;
    /** The array the consumer last read (consumer-only, plain): {@code buffer} is read again only when it shows nothing new. */
    long[] consumerBuffer;
    /** The last entry taken (its position plus one; 0 before the first): an entry is new when it holds more. */
    long lastTaken;
    /** The last entry {@code peek} returned since the last advance (consumer-only, plain). */
    long lastPeeked;
}
