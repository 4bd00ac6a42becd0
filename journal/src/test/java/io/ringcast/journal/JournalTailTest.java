package io.ringcast.journal;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.Message;
import io.ringcast.engine.spi.JournalTail;
import io.ringcast.test.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Journal#tail}: the reader the PostgreSQL relay's writer copies this node's events with. */
class JournalTailTest
{
    @TempDir
    Path dir;

    private static Engine engine(final Journal journal)
    {
        final EngineConfig config = new EngineConfig().nodeId("me").historyMaxEvents(16);
        journal.configure(config);
        return Engine.start(config);
    }

    /** Publishes {@code n} local events, each followed by one relayed from another node; returns the local ids. */
    private static List<Long> publishMixed(final Engine engine, final Journal journal, final int n)
    {
        final List<Long> local = new ArrayList<>();
        long last = -1;
        for (int i = 0; i < n; i++)
        {
            local.add(engine.publish(Message.builder("t").payload("local-" + i + "-" + "x".repeat(200)).build()));
            long relayed;
            while ((relayed = engine.replicaPublisher().tryPublish(Message.builder("t").payload("relayed-" + i)
                .build(), "other", 1000 + i, System.currentTimeMillis())) < 0)
            {
                Thread.onSpinWait();
            }
            last = relayed;
        }
        final long newest = last;
        Await.until(() -> journal.writtenId() >= newest, () -> "not written");
        return local;
    }

    private static List<Event> pollAll(final JournalTail tail) throws Exception
    {
        final List<Event> got = new ArrayList<>();
        while (tail.poll(got::add, 97) > 0)
        {
            // pages of 97 cross segment boundaries at odd places
        }
        return got;
    }

    @Test
    void shouldDeliverOnlyThisNodesEventsAfterTheGivenIdAcrossSegmentsAndRestartsStoringNothing() throws Exception
    {
        final List<Long> ids = new ArrayList<>();
        final JournalConfig config = new JournalConfig().directory(dir).segmentBytes(64 << 10);
        try (Journal journal = Journal.open(config); Engine engine = engine(journal))
        {
            ids.addAll(publishMixed(engine, journal, 600));
        }
        try (Journal journal = Journal.open(config); Engine engine = engine(journal))
        {
            ids.addAll(publishMixed(engine, journal, 100));
            assertThat(journal.segmentCount()).isGreaterThan(2);
            final long after = ids.get(299);
            try (JournalTail tail = journal.tail(after, true))
            {
                final List<Event> got = pollAll(tail);
                assertThat(got).extracting(Event::id).containsExactlyElementsOf(ids.subList(300, ids.size()));
                assertThat(got).allMatch(e -> "me".equals(e.origin()) && e.originSequence() == e.id());
                assertThat(tail.gaps()).isZero();
                final List<Long> more = publishMixed(engine, journal, 5);
                assertThat(pollAll(tail)).extracting(Event::id).containsExactlyElementsOf(more);
            }
            try (JournalTail everything = journal.tail(-1, false))
            {
                assertThat(pollAll(everything)).hasSize((600 + 100 + 5) * 2);
            }
            assertThat(Files.exists(dir.resolve("consumers"))).isFalse();
        }
    }

    @Test
    void shouldCountAGapWhenRetentionDeletedEventsAfterTheGivenId() throws Exception
    {
        final JournalConfig config = new JournalConfig().directory(dir).segmentBytes(64 << 10)
            .retentionBytes(128 << 10);
        try (Journal journal = Journal.open(config); Engine engine = engine(journal))
        {
            final List<Long> ids = publishMixed(engine, journal, 2000);
            assertThat(journal.oldestId()).isGreaterThan(ids.get(0) + 1);
            try (JournalTail tail = journal.tail(ids.get(0), true))
            {
                final List<Event> got = pollAll(tail);
                assertThat(tail.gaps()).isEqualTo(1);
                assertThat(got.get(0).id()).isGreaterThanOrEqualTo(journal.oldestId());
                assertThat(got.get(got.size() - 1).id()).isEqualTo(ids.get(ids.size() - 1));
            }
            final DurableConsumer tail = (DurableConsumer)journal.tail(-1, true);
            assertThatThrownBy(() -> tail.commit(ids.get(1999))).isInstanceOf(IllegalStateException.class);
        }
    }
}
