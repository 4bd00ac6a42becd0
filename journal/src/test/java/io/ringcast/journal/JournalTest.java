package io.ringcast.journal;

import io.ringcast.engine.Attributes;
import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.Filter;
import io.ringcast.engine.Message;
import io.ringcast.engine.ResumeOutcome;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.test.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class JournalTest
{
    @TempDir
    Path dir;

    private JournalConfig config()
    {
        return new JournalConfig().directory(dir);
    }

    private static Message msg(final String topic, final String payload)
    {
        return Message.builder(topic).type("t").attributes(Attributes.of("k", "v\u00e9")).payload(payload).build();
    }

    private static Engine engine(final Journal journal, final int history)
    {
        final EngineConfig engineConfig = new EngineConfig().historyMaxEvents(history);
        journal.configure(engineConfig);
        return Engine.start(engineConfig);
    }

    private static List<Event> drain(final Subscription s, final int count)
    {
        final List<Event> got = new ArrayList<>();
        Await.until(() ->
        {
            s.drain(e -> got.add(e.copy()), 1000);
            return got.size() >= count;
        }, () -> "got " + got.size() + " of " + count);
        return got;
    }

    @Test
    void shouldResumeExactlyFromDiskAfterARestartAndGiveIdsAfterTheOnesOnDisk() throws Exception
    {
        final List<Long> ids = new ArrayList<>();
        try (Journal journal = Journal.open(config()); Engine engine = engine(journal, 16))
        {
            for (int i = 0; i < 1000; i++)
            {
                ids.add(engine.publish(msg(i % 2 == 0 ? "even" : "odd", "p" + i)));
            }
            Await.until(() -> journal.writtenId() == ids.get(999), () -> "not written");
        }
        try (Journal journal = Journal.open(config()); Engine engine = engine(journal, 16))
        {
            assertThat(journal.recoveredLastId()).isEqualTo(ids.get(999));
            assertThat(engine.firstId()).isGreaterThan(ids.get(999));
            final Subscription s = engine.subscribe(Filter.topic("even"),
                SubscribeOptions.defaults().resumeAfter(ids.get(9)));
            final List<Event> got = drain(s, 495);
            assertThat(s.resumeOutcome()).isEqualTo(ResumeOutcome.EXACT);
            assertThat(got.get(0).payloadAsString()).isEqualTo("p10");
            assertThat(got.get(0).id()).isEqualTo(ids.get(10));
            assertThat(got.get(0).type()).isEqualTo("t");
            assertThat(got.get(0).attributes().get("k")).isEqualTo("v\u00e9");
            assertThat(got.get(494).payloadAsString()).isEqualTo("p998");
            final long fresh = engine.publish(msg("even", "new"));
            final List<Event> more = drain(s, 1);
            assertThat(more.get(0).id()).isEqualTo(fresh);
        }
    }

    @Test
    void shouldJournalEventsLargerThanTheStagesFirstBatchBufferBetweenSmallOnes() throws Exception
    {
        final byte[] large = new byte[300 * 1024];
        java.util.Arrays.fill(large, (byte)'L');
        try (Journal journal = Journal.open(config()); Engine engine = engine(journal, 2))
        {
            final long first = engine.publish(msg("t", "before"));
            engine.publish(Message.builder("t").payload(large).build());
            final long last = engine.publish(msg("t", "after"));
            Await.until(() -> journal.writtenId() >= last, () -> "not written");
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(first - 1));
            final List<Event> got = drain(s, 3);
            assertThat(s.resumeOutcome()).isEqualTo(ResumeOutcome.EXACT);
            assertThat(got.get(0).payloadAsString()).isEqualTo("before");
            assertThat(got.get(1).payload()).isEqualTo(large);
            assertThat(got.get(2).payloadAsString()).isEqualTo("after");
        }
    }

    @Test
    void shouldServeResumesOlderThanMemoryWithinOneRun() throws Exception
    {
        try (Journal journal = Journal.open(config()); Engine engine = engine(journal, 4))
        {
            final long first = engine.publish(msg("t", "0"));
            for (int i = 1; i < 200; i++)
            {
                engine.publish(msg("t", Integer.toString(i)));
            }
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(first));
            final List<Event> got = drain(s, 199);
            assertThat(s.resumeOutcome()).isEqualTo(ResumeOutcome.EXACT);
            for (int i = 0; i < 199; i++)
            {
                assertThat(got.get(i).payloadAsString()).isEqualTo(Integer.toString(i + 1));
            }
        }
    }

    @Test
    void shouldStreamAResumeOfAnyLengthPageByPageAcrossSegments() throws Exception
    {
        final int events = 250_000;
        final JournalConfig small = config().segmentBytes(1 << 20);
        long first;
        try (Journal journal = Journal.open(small); Engine engine = engine(journal, 16))
        {
            first = engine.publish(msg("t", "0"));
            long last = first;
            for (int i = 1; i < events; i++)
            {
                last = engine.publish(msg("t", Integer.toString(i)));
            }
            final long written = last;
            Await.until(() -> journal.writtenId() == written, () -> "not written");
        }
        try (Journal journal = Journal.open(small))
        {
            // far beyond the bound of a log read whole; pages of 500 events or 4 KiB of payload
            final EngineConfig engineConfig = new EngineConfig().historyMaxEvents(16).maxLogReplayEvents(1_000)
                .logReplayPage(500, 4_096);
            journal.configure(engineConfig);
            try (Engine engine = Engine.start(engineConfig))
            {
                final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(first));
                final int[] next = {1};
                Await.until(Duration.ofSeconds(60), "the whole resume", () ->
                {
                    s.drain(e ->
                    {
                        assertThat(e.payloadAsString()).isEqualTo(Integer.toString(next[0]));
                        next[0]++;
                    }, 10_000);
                    return next[0] == events;
                });
                assertThat(s.resumeOutcome()).isEqualTo(ResumeOutcome.EXACT);
                assertThat(s.replayMissed()).isZero();
            }
        }
    }

    @Test
    void shouldCutATornTailAndAppendAfterTheLastCompleteRecord() throws Exception
    {
        final List<Long> ids = new ArrayList<>();
        try (Journal journal = Journal.open(config()); Engine engine = engine(journal, 16))
        {
            for (int i = 0; i < 100; i++)
            {
                ids.add(engine.publish(msg("t", "p" + i)));
            }
            Await.until(() -> journal.writtenId() == ids.get(99), () -> "not written");
        }
        final Path segment;
        try (var files = Files.list(dir))
        {
            segment = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        final long size = Files.size(segment);
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE))
        {
            ch.truncate(size - 5); // the last record loses its end
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), size - 5); // and gets garbage instead
        }
        try (Journal journal = Journal.open(config()); Engine engine = engine(journal, 16))
        {
            assertThat(journal.recoveredLastId()).isEqualTo(ids.get(98));
            final long fresh = engine.publish(msg("t", "after"));
            Await.until(() -> journal.writtenId() == fresh, () -> "not written");
            final List<Event> all = new ArrayList<>();
            assertThat(journal.log().replay(0, Long.MAX_VALUE, all::add)).isFalse(); // 0 is older than the journal
            assertThat(all).hasSize(100);
            assertThat(all.get(98).payloadAsString()).isEqualTo("p98");
            assertThat(all.get(99).payloadAsString()).isEqualTo("after");
        }
    }

    @Test
    void shouldDeleteWholeOldestSegmentsBeyondTheByteBoundAndReportTheGap() throws Exception
    {
        final JournalConfig config = config().segmentBytes(64 << 10).retentionBytes(256 << 10);
        final byte[] payload = new byte[1000];
        final List<Long> ids = new ArrayList<>();
        try (Journal journal = Journal.open(config); Engine engine = engine(journal, 16))
        {
            for (int i = 0; i < 2000; i++)
            {
                ids.add(engine.publish(Message.builder("t").payload(payload).build()));
            }
            Await.until(() -> journal.writtenId() == ids.get(1999), () -> "not written");
            Await.until(() -> journal.bytes() <= (256 << 10) + (64 << 10), () -> "retained " + journal.bytes());
            assertThat(journal.segmentCount()).isLessThanOrEqualTo(5);
            final long oldest = journal.oldestId();
            assertThat(oldest).isGreaterThan(ids.get(0));
            final List<Event> got = new ArrayList<>();
            assertThat(journal.log().replay(ids.get(0), Long.MAX_VALUE, got::add)).isFalse();
            assertThat(got.get(0).id()).isEqualTo(oldest);
            got.clear();
            assertThat(journal.log().replay(oldest, Long.MAX_VALUE, got::add)).isTrue();
            assertThat(got.get(0).id()).isEqualTo(oldest + 1);
            assertThat(got.get(got.size() - 1).id()).isEqualTo(ids.get(1999));
        }
    }

    @Test
    void shouldDeleteClosedSegmentsOlderThanTheAgeBound() throws Exception
    {
        final JournalConfig config = config().segmentBytes(64 << 10).retention(Duration.ofMillis(1));
        final byte[] payload = new byte[1000];
        try (Journal journal = Journal.open(config); Engine engine = engine(journal, 16))
        {
            long last = 0;
            for (int i = 0; i < 300; i++)
            {
                last = engine.publish(Message.builder("t").payload(payload).build());
            }
            final long lastId = last;
            Await.until(() -> journal.writtenId() == lastId, () -> "not written");
            Await.until(() -> journal.segmentCount() == 1, () -> journal.segmentCount() + " segments");
        }
    }

    @Test
    void shouldRefuseASecondJournalOnTheSameDirectory() throws Exception
    {
        try (Journal journal = Journal.open(config()))
        {
            final java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> Journal.open(config()));
            assertThat(e.getMessage()).contains("in use by another journal");
        }
        Journal.open(config()).close(); // released on close
    }

    @Test
    void shouldAnswerADurableWaitOnceTheEventIsSynced() throws Exception
    {
        try (Journal journal = Journal.open(config().syncInterval(Duration.ofHours(1))); Engine engine = engine(journal, 16))
        {
            final long id = engine.publish(msg("t", "x"));
            assertThat(journal.awaitDurable(id, 10, TimeUnit.SECONDS)).isTrue();
            assertThat(journal.durableId()).isGreaterThanOrEqualTo(id);
        }
    }
}
