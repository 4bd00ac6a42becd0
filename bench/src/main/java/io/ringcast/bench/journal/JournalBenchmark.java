package io.ringcast.bench.journal;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.Filter;
import io.ringcast.engine.Message;
import io.ringcast.engine.ResumeOutcome;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.journal.Journal;
import io.ringcast.journal.JournalConfig;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.PutFlags;
import org.lmdbjava.Txn;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The journal against the two libraries made for the job, one after the other in one run, on the goals of the
 * durable log (docs/JOURNAL.md): append rate of 100-byte payloads with the default flush policy, durable
 * acknowledgement latency at 10,000 events/s with group commit, and the time from start to serving an exact resume
 * with 10 million events on disk. Also the engine alone, to show what the journal costs it.
 *
 * <pre>
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED @bench/journal-peers.options \
 *   -cp bench/target/benchmarks.jar io.ringcast.bench.journal.JournalBenchmark /work/journal-bench 2000000 10000000
 * </pre>
 */
public final class JournalBenchmark
{
    private static final byte[] PAYLOAD = new byte[100];
    private static final byte[] TOPIC = "orders.eu.42".getBytes();
    private static final Message MESSAGE;

    static
    {
        Arrays.fill(PAYLOAD, (byte)'x');
        MESSAGE = Message.builder("orders.eu.42").payload(PAYLOAD).build();
    }

    private JournalBenchmark()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path root = Path.of(args[0]);
        final long appendEvents = Long.parseLong(args[1]);
        final long restartEvents = Long.parseLong(args[2]);
        final int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2; // 0: only the restart
        final boolean appendOnly = args.length > 4 && args[4].equals("append");
        System.setProperty("chronicle.analytics.disable", "true");
        for (int round = 1; round <= rounds; round++)
        {
            System.out.println("-- round " + round + ": append " + appendEvents + " events of 100-byte payloads");
            System.out.println(engineAlone(appendEvents));
            System.out.println(ringcastAppend(fresh(root, "rc"), appendEvents));
            System.out.println(chronicleAppend(fresh(root, "cq"), appendEvents));
            System.out.println(lmdbAppend(fresh(root, "lmdb"), appendEvents));
            if (appendOnly)
            {
                continue;
            }
            System.out.println("-- round " + round + ": durable acknowledgements, 10,000 events/s in batches of 10, open loop, 20 s");
            System.out.println(ringcastDurable(fresh(root, "rc")));
            System.out.println(chronicleDurable(fresh(root, "cq")));
            System.out.println(lmdbDurable(fresh(root, "lmdb")));
        }
        if (restartEvents == 0)
        {
            return;
        }
        System.out.println("-- restart with " + restartEvents + " events on disk (page cache dropped before each open)");
        System.out.println(ringcastRestart(fresh(root, "rc"), restartEvents));
        System.out.println(chronicleRestart(fresh(root, "cq"), restartEvents));
        System.out.println(lmdbRestart(fresh(root, "lmdb"), restartEvents));
        fresh(root, "rc");
        fresh(root, "cq");
        fresh(root, "lmdb");
    }

    // ------------------------------------------------------------------------------------------- ringcast

    private static String engineAlone(final long n)
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final long t0 = System.nanoTime();
            long last = 0;
            for (long i = 0; i < n; i++)
            {
                last = engine.publish(MESSAGE);
            }
            while (engine.lastDispatchedId() < last)
            {
                Thread.onSpinWait();
            }
            return rate("engine without journal (dispatched)", n, System.nanoTime() - t0);
        }
    }

    private static String ringcastAppend(final Path dir, final long n) throws Exception
    {
        try (Journal journal = Journal.open(new JournalConfig().directory(dir)))
        {
            final EngineConfig config = new EngineConfig();
            journal.configure(config);
            try (Engine engine = Engine.start(config))
            {
                final long t0 = System.nanoTime();
                long last = 0;
                for (long i = 0; i < n; i++)
                {
                    last = engine.publish(MESSAGE);
                }
                while (journal.writtenId() < last)
                {
                    Thread.onSpinWait();
                }
                return rate("ringcast engine + journal (written)", n, System.nanoTime() - t0);
            }
        }
    }

    private static String ringcastDurable(final Path dir) throws Exception
    {
        try (Journal journal = Journal.open(new JournalConfig().directory(dir)))
        {
            final EngineConfig config = new EngineConfig();
            journal.configure(config);
            try (Engine engine = Engine.start(config))
            {
                // open loop: a batch of 10 every millisecond, never waiting; another thread stands for the waiting
                // clients and takes each batch's latency when the journal's group commit covers it
                return openLoop("ringcast journal, requestSync + durableId (group commit)", (batch, done) ->
                {
                    long last = 0;
                    for (int k = 0; k < 10; k++)
                    {
                        last = engine.publish(MESSAGE);
                    }
                    journal.requestSync(last);
                    final long lastId = last;
                    return () -> journal.awaitDurable(lastId, 10, TimeUnit.SECONDS);
                });
            }
        }
    }

    /** A batch started now; the returned waiter blocks until it is durable. */
    private interface OpenBatch
    {
        Waiter start(long index, long[] done) throws Exception;
    }

    private interface Waiter
    {
        boolean await() throws Exception;
    }

    /** Starts a batch every millisecond for 20 s (after 2 s warm-up); a second thread awaits each in order. */
    private static String openLoop(final String name, final OpenBatch batch) throws Exception
    {
        final int warmup = 2_000;
        final int batches = 20_000;
        final long[] latencies = new long[batches];
        final java.util.concurrent.ArrayBlockingQueue<Object[]> pending = new java.util.concurrent.ArrayBlockingQueue<>(
            batches + warmup);
        final Thread waiter = new Thread(() ->
        {
            try
            {
                for (int b = -warmup; b < batches; b++)
                {
                    final Object[] p = pending.take();
                    if (!((Waiter)p[1]).await())
                    {
                        throw new IllegalStateException("not durable");
                    }
                    if (b >= 0)
                    {
                        latencies[b] = System.nanoTime() - (long)p[0];
                    }
                }
            }
            catch (final Exception e)
            {
                throw new IllegalStateException(e);
            }
        }, "durable-waiter");
        waiter.start();
        long next = System.nanoTime();
        for (int b = -warmup; b < batches; b++)
        {
            while (System.nanoTime() < next)
            {
                Thread.onSpinWait();
            }
            pending.put(new Object[] {next, batch.start(b, null)});
            next += 1_000_000;
        }
        waiter.join();
        Arrays.sort(latencies);
        return String.format("%s: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms", name,
            latencies[batches / 2] / 1e6, latencies[(int)(batches * 0.99)] / 1e6,
            latencies[(int)(batches * 0.999)] / 1e6, latencies[batches - 1] / 1e6);
    }

    private static String ringcastRestart(final Path dir, final long n) throws Exception
    {
        final long middle;
        try (Journal journal = Journal.open(new JournalConfig().directory(dir).retentionBytes(64L << 30)))
        {
            final EngineConfig config = new EngineConfig();
            journal.configure(config);
            try (Engine engine = Engine.start(config))
            {
                long mid = 0;
                long last = 0;
                for (long i = 0; i < n; i++)
                {
                    last = engine.publish(MESSAGE);
                    if (i == n - 50_000)
                    {
                        mid = last; // within the engine's replay bound per resume (maxLogReplayEvents, 100,000)
                    }
                }
                while (journal.writtenId() < last)
                {
                    Thread.onSpinWait();
                }
                middle = mid;
            }
        }
        dropCaches();
        final long t0 = System.nanoTime();
        try (Journal journal = Journal.open(new JournalConfig().directory(dir).retentionBytes(64L << 30)))
        {
            final EngineConfig config = new EngineConfig();
            journal.configure(config);
            try (Engine engine = Engine.start(config))
            {
                final long opened = System.nanoTime();
                final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(middle));
                final List<Event> got = new ArrayList<>();
                while (got.isEmpty())
                {
                    s.drain(e -> got.add(e.copy()), 1);
                    Thread.onSpinWait();
                }
                final long served = System.nanoTime();
                if (got.get(0).id() != middle + 1 || s.resumeOutcome() != ResumeOutcome.EXACT)
                {
                    throw new IllegalStateException("resume not exact: " + got.get(0).id() + " " + s.resumeOutcome());
                }
                return String.format("ringcast journal restart: %.1f GB on disk, open + engine start %.1f ms, " +
                    "first event of an exact resume 50,000 events back at %.1f ms", journal.bytes() / 1e9,
                    (opened - t0) / 1e6, (served - t0) / 1e6);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ chronicle

    private static ChronicleQueue chronicle(final Path dir)
    {
        return SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(RollCycles.FAST_HOURLY).build();
    }

    private static void chronicleWrite(final ExcerptAppender appender, final long id)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            dc.wire().bytes().writeLong(id).writeLong(System.currentTimeMillis())
                .writeShort((short)TOPIC.length).write(TOPIC).writeInt(PAYLOAD.length).write(PAYLOAD);
        }
    }

    private static String chronicleAppend(final Path dir, final long n)
    {
        try (ChronicleQueue queue = chronicle(dir); ExcerptAppender appender = queue.createAppender())
        {
            final long t0 = System.nanoTime();
            for (long i = 0; i < n; i++)
            {
                chronicleWrite(appender, i);
            }
            return rate("chronicle queue (appended)", n, System.nanoTime() - t0);
        }
    }

    private static String chronicleDurable(final Path dir) throws Exception
    {
        try (ChronicleQueue queue = chronicle(dir); ExcerptAppender appender = queue.createAppender())
        {
            chronicleWrite(appender, 0);
            final File file = appender.currentFile();
            try (FileChannel sync = FileChannel.open(file.toPath(), StandardOpenOption.WRITE))
            {
                final long[] id = {1};
                // the queue's own sync() returns in microseconds (no device sync): fdatasync the cycle file instead,
                // from a syncer thread that covers every batch appended before it started (group commit)
                final java.util.concurrent.atomic.AtomicLong appended = new java.util.concurrent.atomic.AtomicLong();
                final java.util.concurrent.atomic.AtomicLong synced = new java.util.concurrent.atomic.AtomicLong();
                final Thread syncer = groupCommitter(appended, synced, () -> sync.force(false));
                try
                {
                    return openLoop("chronicle queue + fdatasync of the cycle file (group commit)", (b, done) ->
                    {
                        for (int k = 0; k < 10; k++)
                        {
                            chronicleWrite(appender, id[0]++);
                        }
                        final long mine = appended.incrementAndGet();
                        return () -> awaitAtLeast(synced, mine);
                    });
                }
                finally
                {
                    syncer.interrupt();
                }
            }
        }
    }

    private static String chronicleRestart(final Path dir, final long n)
    {
        try (ChronicleQueue queue = chronicle(dir); ExcerptAppender appender = queue.createAppender())
        {
            for (long i = 0; i < n; i++)
            {
                chronicleWrite(appender, i);
            }
        }
        dropCaches();
        final long t0 = System.nanoTime();
        try (ChronicleQueue queue = chronicle(dir))
        {
            final long first = queue.firstIndex();
            final ExcerptTailer tailer = queue.createTailer();
            if (!tailer.moveToIndex(first + n / 2))
            {
                throw new IllegalStateException("seek failed");
            }
            final long[] id = new long[1];
            tailer.readBytes(b -> id[0] = b.readLong());
            return String.format("chronicle queue restart: open and first record of a seek to the middle (id %d) " +
                "at %.1f ms", id[0], (System.nanoTime() - t0) / 1e6);
        }
    }

    // ------------------------------------------------------------------------------------------------ lmdb

    private static Env<ByteBuffer> lmdb(final Path dir, final boolean sync) throws Exception
    {
        Files.createDirectories(dir);
        final EnvFlags[] flags = sync ? new EnvFlags[0] : new EnvFlags[] {EnvFlags.MDB_NOSYNC};
        return Env.create().setMapSize(16L << 30).setMaxDbs(1).open(dir.toFile(), flags);
    }

    private static String lmdbAppend(final Path dir, final long n) throws Exception
    {
        try (Env<ByteBuffer> env = lmdb(dir, false))
        {
            final Dbi<ByteBuffer> db = env.openDbi("log", DbiFlags.MDB_CREATE);
            final long t0 = System.nanoTime();
            lmdbWrite(env, db, 0, n);
            return rate("lmdbjava, one transaction per 1,000, MDB_NOSYNC (committed)", n, System.nanoTime() - t0);
        }
    }

    private static void lmdbWrite(final Env<ByteBuffer> env, final Dbi<ByteBuffer> db, final long from, final long n)
    {
        final ByteBuffer key = ByteBuffer.allocateDirect(8).order(ByteOrder.BIG_ENDIAN);
        final ByteBuffer value = ByteBuffer.allocateDirect(256);
        for (long i = from; i < from + n; )
        {
            try (Txn<ByteBuffer> txn = env.txnWrite())
            {
                for (int k = 0; k < 1000 && i < from + n; k++, i++)
                {
                    key.clear();
                    key.putLong(i).flip();
                    value.clear();
                    value.putLong(System.currentTimeMillis()).putShort((short)TOPIC.length).put(TOPIC)
                        .putInt(PAYLOAD.length).put(PAYLOAD).flip();
                    db.put(txn, key, value, PutFlags.MDB_APPEND);
                }
                txn.commit();
            }
        }
    }

    private static String lmdbDurable(final Path dir) throws Exception
    {
        try (Env<ByteBuffer> env = lmdb(dir, true))
        {
            final Dbi<ByteBuffer> db = env.openDbi("log", DbiFlags.MDB_CREATE);
            final long[] id = {0};
            // a transaction per batch without sync; a syncer thread's env.sync covers every batch committed
            // before it started (group commit)
            final java.util.concurrent.atomic.AtomicLong appended = new java.util.concurrent.atomic.AtomicLong();
            final java.util.concurrent.atomic.AtomicLong synced = new java.util.concurrent.atomic.AtomicLong();
            final Thread syncer = groupCommitter(appended, synced, () -> env.sync(true));
            try
            {
                return openLoop("lmdbjava, a transaction per batch + env.sync (group commit)", (b, done) ->
                {
                    final ByteBuffer key = ByteBuffer.allocateDirect(8).order(ByteOrder.BIG_ENDIAN);
                    final ByteBuffer value = ByteBuffer.allocateDirect(256);
                    try (Txn<ByteBuffer> txn = env.txnWrite())
                    {
                        for (int k = 0; k < 10; k++)
                        {
                            key.clear();
                            key.putLong(id[0]++).flip();
                            value.clear();
                            value.putLong(0).put(PAYLOAD).flip();
                            db.put(txn, key, value, PutFlags.MDB_APPEND);
                        }
                        txn.commit();
                    }
                    final long mine = appended.incrementAndGet();
                    return () -> awaitAtLeast(synced, mine);
                });
            }
            finally
            {
                syncer.interrupt();
            }
        }
    }

    private static String lmdbRestart(final Path dir, final long n) throws Exception
    {
        try (Env<ByteBuffer> env = lmdb(dir, false))
        {
            lmdbWrite(env, env.openDbi("log", DbiFlags.MDB_CREATE), 0, n);
            env.sync(true);
        }
        dropCaches();
        final long t0 = System.nanoTime();
        try (Env<ByteBuffer> env = lmdb(dir, false))
        {
            final Dbi<ByteBuffer> db = env.openDbi("log", DbiFlags.MDB_CREATE);
            try (Txn<ByteBuffer> txn = env.txnRead(); Cursor<ByteBuffer> cursor = db.openCursor(txn))
            {
                final ByteBuffer key = ByteBuffer.allocateDirect(8).order(ByteOrder.BIG_ENDIAN);
                key.putLong(n / 2).flip();
                cursor.get(key, GetOp.MDB_SET_RANGE);
                final long id = cursor.key().getLong(0);
                return String.format("lmdbjava restart: open and first record of a seek to the middle (id %d) " +
                    "at %.1f ms", id, (System.nanoTime() - t0) / 1e6);
            }
        }
    }

    // --------------------------------------------------------------------------------------------- common

    private interface Sync
    {
        void run() throws Exception;
    }

    /** A thread that syncs whenever batches were appended since its last sync and publishes how many it covered. */
    private static Thread groupCommitter(
        final java.util.concurrent.atomic.AtomicLong appended,
        final java.util.concurrent.atomic.AtomicLong synced,
        final Sync sync)
    {
        final Thread t = new Thread(() ->
        {
            while (!Thread.currentThread().isInterrupted())
            {
                final long covered = appended.get();
                if (covered == synced.get())
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                    continue;
                }
                try
                {
                    sync.run();
                }
                catch (final Exception e)
                {
                    throw new IllegalStateException(e);
                }
                synced.set(covered);
            }
        }, "group-committer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean awaitAtLeast(final java.util.concurrent.atomic.AtomicLong value, final long target)
    {
        while (value.get() < target)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(20_000); // as Journal.awaitDurable after its spins
        }
        return true;
    }

    private static String rate(final String name, final long n, final long nanos)
    {
        return String.format("%s: %d events in %.0f ms = %.2f M events/s", name, n, nanos / 1e6, n * 1e3 / nanos);
    }

    private static Path fresh(final Path root, final String name) throws Exception
    {
        final Path dir = root.resolve(name);
        if (Files.exists(dir))
        {
            try (Stream<Path> walk = Files.walk(dir))
            {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    private static void dropCaches()
    {
        try
        {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
        }
        catch (final Exception e)
        {
            System.out.println("(page cache not dropped: " + e.getMessage() + ")");
        }
    }
}
