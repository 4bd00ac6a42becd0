package io.ringcast.engine;

/**
 * Padding done once, Agrona-style: a producer-written index and a consumer-written index on separate cache lines,
 * for single-producer single-consumer structures ({@link PositionQueue}) to extend. Seven longs between the producer's
 * fields and the consumer's, as Disruptor's {@code Sequence} does: one 64-byte line, not two, because a subscription
 * must stay small when idle (thousands of them per engine).
 */
abstract class PaddedProducerConsumerIndices extends ConsumerIndexField
{
}

class ProducerIndexField
{
    /** Next position the producer writes; see the subclass for its memory order. */
    long tail;
    /** The producer's cached copy of the consumer's head (producer-only, plain). */
    long headCache;
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
