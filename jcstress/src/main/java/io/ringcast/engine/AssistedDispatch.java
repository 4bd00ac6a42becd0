package io.ringcast.engine;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A stand-in for the engine's duty cycle in the {@link WaitStrategyKind#PUBLISHER_ASSISTED} tests: it takes every
 * published slot in order (as the dispatcher's poller does), applies a pending command (as {@code processCommands}
 * clears the flag before draining), and records a run that overlapped another (the duty cycle must never run on two
 * threads at once).
 *
 * <p>Thread-safety: {@link #doWork()} is called by whichever thread holds the dispatcher; the counters are read by the
 * arbiter after every actor finished.
 */
final class AssistedDispatch implements DispatcherWaitStrategy.DutyCycle
{
    private static final VarHandle INSIDE;

    static
    {
        try
        {
            INSIDE = MethodHandles.lookup().findVarHandle(AssistedDispatch.class, "inside", int.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    final DispatcherWaitStrategy strategy;
    final RingBuffer<Event> ring;
    private volatile int inside;
    /** Written by the holder only; the holders are ordered by the flag's handshake. */
    long taken = -1;
    int commandsApplied;
    volatile boolean overlapped;

    AssistedDispatch(final boolean multiProducer)
    {
        strategy = new DispatcherWaitStrategy(WaitStrategyKind.PUBLISHER_ASSISTED, 1_000, null, multiProducer);
        ring = multiProducer ? RingBuffer.createMultiProducer(Event::new, 8, strategy) :
            RingBuffer.createSingleProducer(Event::new, 8, strategy);
        strategy.assistWith(this);
    }

    /** Leaves the strategy as the own thread does before it parks on an empty ring. */
    AssistedDispatch parked()
    {
        if (strategy.prepareToPark(0, ring) != DispatcherWaitStrategy.PARK)
        {
            throw new IllegalStateException("an empty ring must park");
        }
        return this;
    }

    /** Claims, publishes and signals one slot, as {@code Engine.tryPublish} does (the signal may dispatch inline). */
    void publishOne()
    {
        try
        {
            ring.publish(ring.tryNext());
        }
        catch (final InsufficientCapacityException e)
        {
            throw new IllegalStateException(e); // not reached: the tests claim at most two slots of eight
        }
    }

    @Override
    public int doWork()
    {
        if (!INSIDE.compareAndSet(this, 0, 1))
        {
            overlapped = true;
        }
        int n = 0;
        while (ring.isAvailable(taken + 1))
        {
            taken++;
            n++;
        }
        if (n == 0 && strategy.isCommandPending())
        {
            strategy.clearCommandPending();
            commandsApplied++;
            n = 1;
        }
        inside = 0;
        return n;
    }

    @Override
    public long nextSequence()
    {
        return taken + 1;
    }

    @Override
    public RingBuffer<?> ring()
    {
        return ring;
    }

    /** @return the slots published and not taken. */
    long left()
    {
        return ring.getCursor() - taken;
    }
}
