package io.ringcast.journal;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.Message;
import io.ringcast.test.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Truncates and corrupts segment files at random offsets and checks what recovery keeps: the journal opens, every
 * record before the damage (and in every undamaged segment) is served intact and in order, nothing is served twice
 * or altered, and appending goes on after the last valid record.
 */
class JournalCorruptionTest
{
    private static final int ROUNDS = 60;
    private static final int EVENTS = 1500;

    @TempDir
    Path root;

    @Test
    void shouldRecoverEveryRecordBeforeARandomTruncationOrCorruption() throws Exception
    {
        final Random random = new Random(20261206);
        for (int round = 0; round < ROUNDS; round++)
        {
            final Path dir = Files.createDirectories(root.resolve("r" + round));
            final JournalConfig config = new JournalConfig().directory(dir).segmentBytes(64 << 10);
            final Map<Long, String> written = new HashMap<>();
            final List<Long> order = new ArrayList<>();
            try (Journal journal = Journal.open(config); Engine engine = engine(journal))
            {
                for (int i = 0; i < EVENTS; i++)
                {
                    final String payload = i + ":" + "x".repeat(random.nextInt(250));
                    final long id = engine.publish(Message.builder("t" + (i % 7)).payload(payload).build());
                    written.put(id, payload);
                    order.add(id);
                }
                final long last = order.get(order.size() - 1);
                Await.until(() -> journal.writtenId() == last, () -> "not written");
            }
            final List<Path> files = segments(dir);
            final Path victim = files.get(random.nextInt(files.size()));
            final boolean victimIsNewest = victim.equals(files.get(files.size() - 1));
            final long size = Files.size(victim);
            final long offset = (long)(random.nextDouble() * size);
            final Map<Long, Long> recordEnds = recordEnds(victim);
            final String damage;
            try (FileChannel ch = FileChannel.open(victim, StandardOpenOption.WRITE))
            {
                if (random.nextBoolean())
                {
                    ch.truncate(offset);
                    damage = "truncated at " + offset;
                }
                else
                {
                    final byte[] junk = new byte[1 + random.nextInt(8)];
                    final ByteBuffer old = ByteBuffer.allocate(junk.length);
                    try (FileChannel r = FileChannel.open(victim, StandardOpenOption.READ))
                    {
                        r.read(old, offset);
                    }
                    for (int k = 0; k < junk.length; k++)
                    {
                        junk[k] = (byte)(old.array()[k] ^ (1 + random.nextInt(255)));
                    }
                    ch.write(ByteBuffer.wrap(junk), offset);
                    damage = junk.length + " bytes changed at " + offset;
                }
            }
            final String where = "round " + round + ": " + victim.getFileName() + " (" + size + " bytes) " + damage;

            try (Journal journal = Journal.open(config); Engine engine = engine(journal))
            {
                final List<Event> got = new ArrayList<>();
                journal.log().replay(order.get(0) - 1, Long.MAX_VALUE, got::add);
                long previous = -1;
                final java.util.Set<Long> seen = new java.util.HashSet<>();
                for (final Event e : got)
                {
                    assertThat(e.id()).as(where).isGreaterThan(previous);
                    assertThat(e.payloadAsString()).as(where).isEqualTo(written.get(e.id()));
                    previous = e.id();
                    seen.add(e.id());
                }
                for (final long id : order)
                {
                    final Long end = recordEnds.get(id);
                    final boolean beforeDamage = end == null || end <= offset;
                    if (beforeDamage)
                    {
                        assertThat(seen).as(where + ": record " + id + " before the damage").contains(id);
                    }
                }
                if (!victimIsNewest)
                {
                    assertThat(journal.recoveredLastId()).as(where).isEqualTo(order.get(order.size() - 1));
                }
                final long fresh = engine.publish(Message.builder("t").payload("after").build());
                Await.until(() -> journal.writtenId() == fresh, () -> where + ": not written after recovery");
                final List<Event> tail = new ArrayList<>();
                journal.log().replay(fresh - 1, Long.MAX_VALUE, tail::add);
                assertThat(tail).as(where).extracting(Event::payloadAsString).containsExactly("after");
            }
        }
    }

    private static Engine engine(final Journal journal)
    {
        final EngineConfig engineConfig = new EngineConfig().historyMaxEvents(16);
        journal.configure(engineConfig);
        return Engine.start(engineConfig);
    }

    private static List<Path> segments(final Path dir) throws Exception
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.filter(p -> p.toString().endsWith(SegmentFormat.SUFFIX)).sorted().toList();
        }
    }

    /** @return for each record of an intact segment, the file offset just after it. */
    private static Map<Long, Long> recordEnds(final Path segment) throws Exception
    {
        final Map<Long, Long> ends = new HashMap<>();
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ))
        {
            final SegmentReader reader = new SegmentReader(1 << 16);
            reader.open(ch);
            while (reader.next())
            {
                ends.put(RecordCodec.id(reader.body(), reader.bodyOffset()), reader.validEnd());
            }
        }
        return ends;
    }
}
