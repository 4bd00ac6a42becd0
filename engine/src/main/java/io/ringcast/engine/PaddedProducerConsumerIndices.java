package io.ringcast.engine;

/**
 * Padding done once, Agrona-style, for single-producer single-consumer structures ({@link PositionQueue}) to extend:
 * <pre>
 *   [ header | producer fields ] 7 longs [ consumer-written head ] 7 longs [ subclass fields: the consumer's ]
 * </pre>
 * Seven longs (one 64-byte line, as Disruptor's {@code Sequence} pads) between the producer's fields and the
 * consumer's, and again between the consumer's and the subclass's (the array reference the consumer reads on every
 * drain, written only when the queue grows): a consumer's store to its head then never invalidates the line the
 * producer reads on each offer, and an offer touches only the producer's line and the array. One line each, not two, because a
 * subscription must stay small when idle (thousands of them per engine).
 */
abstract class PaddedProducerConsumerIndices extends ConsumerIndexPadding
{
}

class ProducerIndexField
{
    /** Next position the producer writes; see the subclass for its memory order. */
    long tail;
    /** The producer's cached copy of the consumer's head (producer-only, plain). */
    long headCache;
    /** Offers refused because the queue was full (producer-written, opaque; any thread reads). */
    long refused;
    /** The producer's own reference to the current array (producer-only, plain): an offer reads only this line. */
    long[] producerBuffer;
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
}

class ConsumerIndexPadding extends ConsumerIndexField
{
    long p11, p12, p13, p14, p15, p16, p17;
}
