package io.ringcast.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.nio.ByteBuffer;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The journal writer's idle park against the dispatcher's commit: the writer announces an idle park and reads the ring
 * again; the dispatcher commits a record to the ring, fences and reads the announcement. A record must never be left
 * in the ring while the writer parks and nobody wakes it.
 */
@JCStressTest
@Description("dispatcher commit + afterCommit vs writer mayPark(idle): never a park with a record left and no wake-up")
@Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "the writer parks and the dispatcher wakes it")
@Outcome(id = "0, 1", expect = ACCEPTABLE, desc = "the writer saw the record and does not park")
@Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "the writer saw the record; the wake-up is spurious (harmless)")
@Outcome(id = "0, 0", expect = FORBIDDEN, desc = "lost wake-up: a record sits in the ring while the writer sleeps")
@State
public class WriterParkingTest
{
    private final OneToOneRingBuffer ring = new OneToOneRingBuffer(
        new UnsafeBuffer(ByteBuffer.allocateDirect(1024 + RingBufferDescriptor.TRAILER_LENGTH)));
    private final UnsafeBuffer record = new UnsafeBuffer(new byte[8]);
    private int wakeUps;
    private final WriterParking parking = new WriterParking(ring, 512, () -> false, () -> wakeUps++);

    @Actor
    public void dispatcher(final II_Result r)
    {
        ring.write(1, record, 0, 8);
        r.r1 = parking.afterCommit() ? 1 : 0;
    }

    @Actor
    public void writer(final II_Result r)
    {
        r.r2 = parking.mayPark(false) ? 0 : 1;
    }
}
