package io.ringcast.engine;

import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The dispatcher's idle policy and the ring's wait strategy, one class for every {@link WaitStrategyKind}. The
 * own-thread runner calls {@link #idle} after a duty cycle that found no work; a publish or a queued command
 * ({@link #commandPending()}) ends a park, and the housekeeping interval bounds it, so commands are served promptly
 * on an idle ring.
 *
 * <p>{@link WaitStrategyKind#BLOCKING} signals like Disruptor's {@code LiteBlockingWaitStrategy} but without a lock:
 * the waiter publishes a {@code parked} flag before parking and re-checks the ring's cursor; a publisher unparks only
 * when the flag is set (one volatile read per publish otherwise), and only the publisher whose compare-and-set
 * clears the flag calls {@code unpark}. The pair is a Dekker handshake and needs a StoreLoad
 * barrier on each side between its store and its load: the waiter's is a full fence after {@code parked = true}; a
 * multi-producer publisher's is its claim (the sequencer's compare-and-set or get-and-add on the cursor, a full
 * barrier that precedes its read of {@code parked}), so publishing pays no fence of its own; a single-producer
 * publisher claims with plain stores and pays one full fence before reading the flag. The waiter re-checks the
 * cursor (claimed), not the published flag: a slot claimed but not yet published makes it yield, not park.
 *
 * <p>{@link WaitStrategyKind#PUBLISHER_ASSISTED} adds a third state to the flag: a publish that finds the dispatcher
 * parked claims it ({@code PARKED -> INLINE}, compare-and-set) and runs the duty cycle itself, on the publishing
 * thread, instead of waking the parked thread; it puts the flag back ({@code INLINE -> PARKED}, then the same full
 * fence and re-check as the waiter's) when the ring is drained, and takes it again for anything published meanwhile
 * by publishers that found it taken. It hands the dispatcher back to its thread ({@code INLINE -> RUNNING}, then
 * {@code unpark}) when publishers have spent half of a {@link #INLINE_WINDOW_NS} window dispatching, when
 * a slot is claimed but not yet published, when a command arrives while it holds the flag, and when the engine
 * closes. The thread only ever runs after taking the flag itself ({@code PARKED -> RUNNING}) or being handed it; woken
 * by its housekeeping timeout, it parks again when the flag is {@code INLINE} or a publisher ran the duty cycle within
 * the interval (the inline runs do the housekeeping). So the duty cycle never runs on two threads at once, and the
 * compare-and-set that takes the flag (acquire) and the store that puts it back (release) order each runner's work
 * before the next one's, as a lock would.
 *
 * <p>With a {@link DispatchDriver} nothing waits here: {@code parked} then means "the driver is idle", and a publish or
 * command that finds it so claims the flag (compare-and-set) and calls {@link DispatchDriver#wakeup()}, once per idle
 * period. The driver thread marks itself busy and idle around each {@link Engine#dispatch()}
 * ({@link #driverBusy()}, {@link #driverIdle}).
 *
 * <p>Thread-safety: {@link #idle}, {@link #driverBusy()} and {@link #driverIdle} are called by the single
 * dispatcher (or driver) thread; {@link #signalAllWhenBlocking()}, {@link #commandPending()} and {@link #closing()} by
 * any thread. The flag is called {@code parked} in this text; it is the {@code state} field: {@code RUNNING} (not
 * parked), {@code PARKED}, {@code INLINE} (parked, and a publisher runs the duty cycle).
 */
final class DispatcherWaitStrategy implements WaitStrategy
{
    /**
     * Idle duty cycles spun before yielding. Each is a whole duty cycle (the ring, the command queue, the stages' idle
     * hook, a clock read), about 100 ns, so 20 spin for a few microseconds, about what the minimal Disruptor + Agrona
     * design's 100 bare checks take. With 200, the spin held a shared core for ~20 µs after every event: at 100,000
     * events/s with a yielding publisher on 2 cores the median delivery took 13-20 µs against 8-13 µs with 20, and at
     * 1M events/s the idle dispatcher used 46-75 % of a core against 78-80 % (bench/results/NOTES-2026-12-06.md,
     * "Fifteenth session").
     */
    static final int SPIN_TRIES = 20;
    /**
     * Yields after the spins, before parking ({@link WaitStrategyKind#BLOCKING}), unless the last
     * {@link #LONG_PARKS_TO_SKIP} parks each outlasted {@link #SHORT_PARK_NS} with no idle period ended by the yields
     * between them: then idle periods park right after the spins until a park ends within {@link #SHORT_PARK_NS}
     * (with no yield running meanwhile, a short park is the one way back).
     */
    static final int YIELD_TRIES = 20;
    /**
     * A park that ended within this was one the yields would probably have covered. 20 yields take about 20 µs where a
     * system call costs about 1 µs (a guest kernel with page-table isolation), 5-7 µs elsewhere. A publisher whose
     * events come closer than that (one by one, or a yielding publisher) keeps the yields and is not woken by
     * {@code unpark}; one whose events come in bursts further apart (a parking publisher, a request-driven server)
     * stops paying 20 yields per idle period that end in a park anyway. Measured with fixed-rate {@code Probe} steps
     * at 16 subscribers and a parking publisher, three alternated pairs: the idle dispatcher's CPU per event fell from
     * 35-40 to 6.5-9.1 µs at 10,000 events/s and from 4.7-4.9 to 3.4-3.5 µs at 100,000; latency percentiles in
     * alternated runs moved with the host, not with the change (bench/results/NOTES-2026-12-06.md, "Seventeenth
     * session").
     */
    static final long SHORT_PARK_NS = 20_000;
    /**
     * Long parks in a row before the yields are skipped: two, so that one gap in a stream of closely spaced events (a
     * yielding publisher descheduled once) does not turn its next idle periods into parks and wake-ups; an idle period
     * that the yields ended (work found while yielding) starts the count again.
     */
    static final int LONG_PARKS_TO_SKIP = 2;

    /**
     * {@link WaitStrategyKind#PUBLISHER_ASSISTED}: the longest a publisher keeps the duty cycle in one call, re-taking
     * it for events other publishers added meanwhile, before it hands the dispatcher back to its thread.
     */
    static final long MAX_INLINE_NS = 50_000;
    /**
     * {@link WaitStrategyKind#PUBLISHER_ASSISTED}: publishers may spend at most half of each window of this length
     * dispatching inline; past that, the next publish hands the dispatcher to its thread. A window, not the gap since
     * the last run: a publisher catching up on its schedule (a burst after it was descheduled) keeps dispatching inline
     * for a burst that fits, instead of paying a wake-up per burst.
     */
    static final long INLINE_WINDOW_NS = 100_000;

    /**
     * {@link WaitStrategyKind#PUBLISHER_ASSISTED}: after a publisher handed the dispatcher over, the thread yields
     * instead of parking when idle for this long, so a publisher going flat out (whose retries after a full ring leave
     * the thread idle for moments) hands over about once per interval instead of once per burst.
     */
    static final long STAY_AWAKE_NS = 1_000_000;

    /** The dispatcher runs (its own thread, or the driver), or is about to: nothing to wake. */
    static final int RUNNING = 0;
    /** The dispatcher's thread is parked, or about to park (the driver is idle): the next signal wakes it. */
    static final int PARKED = 1;
    /** The thread is parked and a publisher runs the duty cycle ({@link WaitStrategyKind#PUBLISHER_ASSISTED}). */
    static final int INLINE = 2;

    private static final VarHandle STATE;
    private static final VarHandle LAST_INLINE;

    static
    {
        try
        {
            STATE = java.lang.invoke.MethodHandles.lookup().findVarHandle(
                DispatcherWaitStrategy.class, "state", int.class);
            LAST_INLINE = java.lang.invoke.MethodHandles.lookup().findVarHandle(
                DispatcherWaitStrategy.class, "lastInlineNanos", long.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final WaitStrategyKind kind;
    private final DispatchDriver driver;
    private final boolean parks;
    /** The publisher's claim is a full barrier (multi-producer sequencer): no fence needed in the signal. */
    private final boolean claimIsFence;
    private final long housekeepingNanos;
    private volatile int state;
    /** {@link WaitStrategyKind#PUBLISHER_ASSISTED}: raised by {@link #closing()}; the thread shuts the engine down. */
    private volatile boolean closing;
    /** The duty cycle a publisher runs inline ({@link WaitStrategyKind#PUBLISHER_ASSISTED}), else {@code null}. */
    private DutyCycle assist;
    /** Holder of {@code INLINE} only: the thread running the duty cycle inline, else {@code null}. */
    private Thread inlineThread;
    /** When the last inline run ended: written by the holder of {@code INLINE} (opaque), read by the parked thread. */
    private long lastInlineNanos;
    /** When a publisher last handed the dispatcher over: written before the flag's {@code RUNNING}, read by the thread. */
    private long handedOverAt;
    /** Holder of {@code INLINE} only: the current {@link #INLINE_WINDOW_NS} window's start and inline time so far. */
    private long windowStart;
    private long windowInlineNs;
    private volatile boolean commandPending;
    private volatile Thread waiter;
    /**
     * Dispatcher thread only: consecutive parks that outlasted {@link #SHORT_PARK_NS}, at most
     * {@link #LONG_PARKS_TO_SKIP}; reset by a short park and by an idle period that the yields ended (work found while
     * yielding).
     */
    private int longParks;
    /** Dispatcher thread only: the current idle period reached the yields and has not parked. */
    private boolean periodYielded;

    /**
     * @param kind                  the idle policy.
     * @param housekeepingIntervalMs the longest park.
     * @param driver                the driver, or {@code null} for the engine's own thread.
     * @param multiProducer         {@code true} when the ring's sequencer claims with an atomic read-modify-write of
     *                              the cursor ({@link ProducerMode#MULTI}): its claim is the publisher's StoreLoad
     *                              barrier.
     */
    DispatcherWaitStrategy(
        final WaitStrategyKind kind, final long housekeepingIntervalMs, final DispatchDriver driver,
        final boolean multiProducer)
    {
        this.kind = kind;
        this.driver = driver;
        this.claimIsFence = multiProducer;
        this.parks = kind == WaitStrategyKind.BLOCKING || kind == WaitStrategyKind.PUBLISHER_ASSISTED || driver != null;
        this.housekeepingNanos = TimeUnit.MILLISECONDS.toNanos(housekeepingIntervalMs);
        this.state = driver != null ? PARKED : RUNNING; // a driven dispatcher starts idle: the first publish wakes it
        this.handedOverAt = System.nanoTime() - STAY_AWAKE_NS; // never handed over
    }

    /**
     * The duty cycle a publisher runs when it finds the dispatcher parked ({@link WaitStrategyKind#PUBLISHER_ASSISTED}
     * with the engine's own thread). Called once, before the engine starts.
     */
    void assistWith(final DutyCycle cycle)
    {
        if (kind == WaitStrategyKind.PUBLISHER_ASSISTED && driver == null)
        {
            this.assist = cycle;
        }
    }

    /** The engine's duty cycle, as a publisher runs it inline. */
    interface DutyCycle
    {
        /** @return the work done (events dispatched, else commands applied); see {@code Engine.doWork}. */
        int doWork();

        /** @return the next ring sequence the dispatcher will take. */
        long nextSequence();

        /** @return the engine's ring. */
        RingBuffer<?> ring();
    }

    /**
     * Driver thread: a dispatch is running; publishes need not wake the driver until {@link #driverIdle}. A driver woken
     * by a publish finds the flag already cleared by that publish's compare-and-set, and stores nothing: only the
     * driver thread sets the flag, so a {@code false} read here stays {@code false} until its own next
     * {@link #driverIdle} (no fenced store per dispatch).
     */
    void driverBusy()
    {
        if (state == PARKED)
        {
            state = RUNNING;
        }
    }

    /**
     * Driver thread, at the end of a dispatch: marks the driver idle, then re-checks for work that arrived before the
     * mark became visible (the same Dekker handshake as the parking waiter's).
     *
     * @param nextSequence the next ring sequence the dispatcher will take.
     * @param ring         the ring.
     * @return {@code true} when there is more work (a queued command, or a slot published or only claimed: a publisher
     *         between claim and publish may have read the flag before it was set) and this call took the wake-up
     *         back: dispatch again.
     */
    boolean driverIdle(final long nextSequence, final RingBuffer<?> ring)
    {
        STATE.setRelease(this, PARKED); // the fence below orders it before the reads: one fence, not a volatile store's too
        VarHandle.fullFence(); // StoreLoad: the flag before the cursor read (Dekker with signalAllWhenBlocking)
        if (ring.getCursor() >= nextSequence || commandPending)
        {
            return STATE.compareAndSet(this, PARKED, RUNNING);
        }
        return false;
    }

    /**
     * Not used: the dispatcher polls the ring in its duty cycle ({@code EventPoller}) and idles through
     * {@link #idle}; no thread waits on a Disruptor barrier. The class is the ring's wait strategy for its publisher
     * side, {@link #signalAllWhenBlocking()}.
     */
    @Override
    public long waitFor(
        final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
    {
        throw new UnsupportedOperationException("the dispatcher polls the ring; nothing waits on a barrier");
    }

    /**
     * Own-thread runner, after a duty cycle that found nothing to do (Agrona's {@code IdleStrategy} role): spins, then
     * yields (for {@link WaitStrategyKind#BLOCKING} unless the last parks were long: {@link #YIELD_TRIES}), then, for
     * {@link WaitStrategyKind#BLOCKING}, parks until a publish or a command signals or the
     * housekeeping interval passes. {@link WaitStrategyKind#YIELDING} and {@link WaitStrategyKind#BUSY_SPIN} never park.
     *
     * @param idleCycles   consecutive idle cycles so far (0 after a cycle that did work).
     * @param nextSequence the next ring sequence the dispatcher will take.
     * @param ring         the ring.
     * @return the idle cycle count to pass next time.
     */
    int idle(final int idleCycles, final long nextSequence, final RingBuffer<?> ring)
    {
        if (idleCycles == 0)
        {
            if (periodYielded)
            {
                longParks = 0; // the last idle period's yields found work: they are worth keeping
            }
            periodYielded = false;
        }
        if (kind == WaitStrategyKind.BUSY_SPIN || idleCycles < SPIN_TRIES)
        {
            Thread.onSpinWait();
            return idleCycles + 1;
        }
        if (kind == WaitStrategyKind.YIELDING ||
            (kind == WaitStrategyKind.BLOCKING && idleCycles < SPIN_TRIES + YIELD_TRIES &&
                longParks < LONG_PARKS_TO_SKIP) ||
            (kind == WaitStrategyKind.PUBLISHER_ASSISTED && System.nanoTime() - handedOverAt < STAY_AWAKE_NS))
        {
            periodYielded = true;
            Thread.yield();
            return idleCycles + 1;
        }
        waiter = Thread.currentThread();
        final int before = prepareToPark(nextSequence, ring);
        if (before != PARK)
        {
            if (before == CLAIMED)
            {
                Thread.yield(); // claimed, not yet published: the publisher is between claim and publish
            }
            return idleCycles;
        }
        final long parkedAt = System.nanoTime();
        parkUntilRunning();
        // capped: a count that could overflow on an engine idle for months would bring the yields back
        longParks = System.nanoTime() - parkedAt > SHORT_PARK_NS ? Math.min(longParks + 1, LONG_PARKS_TO_SKIP) : 0;
        periodYielded = false;
        return idleCycles;
    }

    /** {@link #prepareToPark}: nothing to do, park. */
    static final int PARK = 0;
    /** {@link #prepareToPark}: work arrived (a published slot or a command); the thread took the dispatcher back. */
    static final int WORK = 1;
    /** {@link #prepareToPark}: a slot is claimed, not yet published; the thread took the dispatcher back. */
    static final int CLAIMED = 2;

    /**
     * Own thread, before parking: raises the flag, fences, re-checks the ring and the commands (the waiter's half of
     * the Dekker handshake with {@link #signalAllWhenBlocking()} and {@link #commandPending()}).
     *
     * @return {@link #PARK}, {@link #WORK} or {@link #CLAIMED}.
     */
    int prepareToPark(final long nextSequence, final RingBuffer<?> ring)
    {
        STATE.setRelease(this, PARKED); // the fence below orders it before the reads: one fence, not a volatile store's too
        VarHandle.fullFence(); // StoreLoad: the flag before the cursor read (Dekker with signalAllWhenBlocking)
        final boolean work = commandPending || ring.isAvailable(nextSequence);
        if (!work && ring.getCursor() < nextSequence)
        {
            return PARK;
        }
        if (STATE.compareAndSet(this, PARKED, RUNNING) || state == RUNNING)
        {
            return work ? WORK : CLAIMED; // RUNNING after a failed claim: a signal woke the thread meanwhile
        }
        return PARK; // INLINE: a publisher took the flag and runs the cycle; it hands it over if the thread is needed
    }

    /**
     * Own thread: parks until it holds the dispatcher again. {@code RUNNING}: a publish or a command woke it (its
     * signal cleared the flag), or a publisher handed the dispatcher over. {@code PARKED} after the housekeeping
     * interval: the thread claims it back for housekeeping, unless a publisher ran the duty cycle within that interval
     * (and did the housekeeping that was due): then it parks again, so publishers that keep the dispatcher busy inline
     * never meet a third runnable thread. {@code INLINE}: a publisher runs the duty cycle; park again.
     */
    private void parkUntilRunning()
    {
        while (true)
        {
            LockSupport.parkNanos(this, housekeepingNanos);
            Thread.interrupted(); // an interrupt must not turn the park into a spin; close() is the way to stop
            final int s = state;
            if (s == RUNNING)
            {
                return;
            }
            if (s == PARKED && !ranInlineWithin(housekeepingNanos) && STATE.compareAndSet(this, PARKED, RUNNING))
            {
                return;
            }
            if (state == RUNNING)
            {
                return; // woken between the read and the claim
            }
        }
    }

    /** @return {@code true} when a publisher ran the duty cycle inline within the last {@code nanos}. */
    private boolean ranInlineWithin(final long nanos)
    {
        return assist != null && System.nanoTime() - (long)LAST_INLINE.getOpaque(this) < nanos;
    }

    /**
     * Publisher side of the wake-up handshake, after a publish: reads {@code parked} and wakes the waiter if set. The
     * StoreLoad barrier between the publisher's cursor store and this read is its claim when the sequencer is
     * multi-producer (a compare-and-set or get-and-add, so no fence here: the common case pays one volatile read), and
     * a full fence for a single producer, whose sequencer claims and publishes with plain and release stores; the
     * waiter's side is its full fence between {@code parked = true} and its cursor check, so a wake-up is never lost.
     */
    @Override
    public void signalAllWhenBlocking()
    {
        if (!parks)
        {
            return; // yielding and busy-spin waiters never park
        }
        if (!claimIsFence)
        {
            VarHandle.fullFence();
        }
        if (assist != null)
        {
            if (state == PARKED && STATE.compareAndSet(this, PARKED, INLINE))
            {
                runInline();
            }
            return;
        }
        wakeIfParked();
    }

    /**
     * The first signal of an idle period claims the flag (compare-and-set) and wakes the waiter; the publishes that
     * follow while it wakes up read {@code false} and make no {@code unpark} call (one wake-up per park, not one per
     * publish).
     */
    private void wakeIfParked()
    {
        if (state == PARKED && STATE.compareAndSet(this, PARKED, RUNNING))
        {
            if (driver == null)
            {
                LockSupport.unpark(waiter);
            }
            else
            {
                driver.wakeup();
            }
        }
    }

    /**
     * A publisher that claimed the flag ({@code PARKED -> INLINE}) runs the duty cycle until the ring is drained, puts
     * the flag back with the waiter's handshake (release store, full fence, re-check) and takes it again for events
     * that publishers which found it taken left behind. It hands the dispatcher to its thread instead when the engine
     * is closing, when a command was queued after its last cycle (the command's signal found the flag taken and woke
     * nobody), when a slot is claimed but not published (its publisher may be descheduled), after
     * {@link #MAX_INLINE_NS} of re-takes, and when publishers already spent half of the current
     * {@link #INLINE_WINDOW_NS} window dispatching: the thread, which overlaps dispatching with publishing, is then
     * faster.
     */
    private void runInline()
    {
        final DutyCycle cycle = assist;
        final RingBuffer<?> ring = cycle.ring();
        final long start = System.nanoTime();
        if (start - windowStart > INLINE_WINDOW_NS)
        {
            windowStart = start;
            windowInlineNs = 0;
        }
        else if (windowInlineNs > INLINE_WINDOW_NS / 2)
        {
            handOver();
            return;
        }
        if (closing)
        {
            handOver();
            return;
        }
        try
        {
            dispatchInline(cycle, ring, start);
        }
        catch (final Throwable t)
        {
            inlineThread = null;
            handOver(); // never leave the flag taken: the thread carries on (the duty cycle reports its own failures)
            throw t;
        }
    }

    /** Holder of {@code INLINE}: the loop of {@link #runInline}. */
    private void dispatchInline(final DutyCycle cycle, final RingBuffer<?> ring, final long start)
    {
        inlineThread = Thread.currentThread();
        long runStart = start;
        while (true)
        {
            while (cycle.doWork() > 0)
            {
                // until a cycle finds nothing: that one also applied commands and did housekeeping when due
            }
            final long end = System.nanoTime();
            LAST_INLINE.setOpaque(this, end);
            windowInlineNs += end - runStart;
            runStart = end;
            inlineThread = null;
            final long next = cycle.nextSequence();
            STATE.setRelease(this, PARKED); // the fence below orders it before the reads, as in idle()
            VarHandle.fullFence(); // StoreLoad: the flag before the cursor read (Dekker with signalAllWhenBlocking)
            final boolean more = ring.getCursor() >= next;
            final boolean toThread = closing || commandPending; // a signal that found the flag taken woke nobody
            if (!more && !toThread)
            {
                return;
            }
            if (!STATE.compareAndSet(this, PARKED, INLINE))
            {
                return; // another publisher took it, or a command woke the thread
            }
            if (toThread || !ring.isAvailable(next) || end - start > MAX_INLINE_NS)
            {
                handOver();
                return;
            }
            inlineThread = Thread.currentThread();
        }
    }

    /** Holder of {@code INLINE}: gives the dispatcher to its parked thread. */
    private void handOver()
    {
        handedOverAt = System.nanoTime(); // before the volatile store that the thread reads first
        state = RUNNING;
        LockSupport.unpark(waiter);
    }

    /**
     * @return {@code true} when the calling thread is running the duty cycle inline (a publisher, or a callback it
     * made): it must not wait for the dispatcher.
     */
    boolean isInlineThread(final Thread thread)
    {
        return assist != null && inlineThread == thread;
    }

    /**
     * Any thread: the engine is closing; the dispatcher's own thread must run (it finishes the published events and
     * shuts down), so no publisher runs the duty cycle inline from now on.
     */
    void closing()
    {
        closing = true;
    }

    /** Any thread: a command was queued; make the dispatcher leave its wait. */
    void commandPending()
    {
        commandPending = true;
        if (parks)
        {
            VarHandle.fullFence(); // StoreLoad: the command flag before the read of parked
            wakeIfParked();
        }
    }

    /**
     * Dispatcher thread: commands are about to be drained. Clears a raised flag with a volatile store (its StoreLoad
     * barrier orders the clear before the drain's reads, so a command queued after the drain looked raises the flag
     * again and is not stranded); a flag read as clear is left alone, so a batch without commands pays a volatile read,
     * not a fenced store. A command whose flag is raised between that read and the drain is either drained now (the
     * flag then costs one spare pass) or still flagged.
     */
    void clearCommandPending()
    {
        if (commandPending)
        {
            commandPending = false;
        }
    }

    /** @return whether a command is flagged as pending (volatile read; for diagnostics and tests). */
    boolean isCommandPending()
    {
        return commandPending;
    }

    /** @return {@link #RUNNING}, {@link #PARKED} or {@link #INLINE} (volatile read; for tests). */
    int state()
    {
        return state;
    }

    WaitStrategyKind kind()
    {
        return kind;
    }
}
