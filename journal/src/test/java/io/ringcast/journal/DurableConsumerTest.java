package io.ringcast.journal;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.Message;
import io.ringcast.test.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurableConsumerTest
{
    @TempDir
    Path dir;

    private JournalConfig config()
    {
        return new JournalConfig().directory(dir).segmentBytes(64 << 10);
    }

    private static Engine engine(final Journal journal)
    {
        final EngineConfig config = new EngineConfig().historyMaxEvents(16);
        journal.configure(config);
        return Engine.start(config);
    }

    private static List<Long> publish(final Engine engine, final Journal journal, final int n, final String prefix)
    {
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            ids.add(engine.publish(Message.builder("t").payload(prefix + i + "-" + "x".repeat(200)).build()));
        }
        final long last = ids.get(n - 1);
        Await.until(() -> journal.writtenId() >= last, () -> "not written");
        return ids;
    }

    private static List<Event> pollAll(final DurableConsumer c) throws Exception
    {
        final List<Event> got = new ArrayList<>();
        while (c.poll(got::add, 97) > 0)
        {
            // pages of 97 cross segment boundaries at odd places
        }
        return got;
    }

    @Test
    void shouldReadFromTheBeginningAndGoOnAfterItsCommittedPositionAcrossARestart() throws Exception
    {
        final List<Long> ids;
        try (Journal journal = Journal.open(config()); Engine engine = engine(journal))
        {
            ids = publish(engine, journal, 1000, "a");
            final DurableConsumer c = journal.consumer("billing", Seek.beginning());
            final List<Event> first = new ArrayList<>();
            c.poll(first::add, 600);
            assertThat(first).extracting(Event::id).containsExactlyElementsOf(ids.subList(0, 600));
            c.commit();
            assertThat(c.committedId()).isEqualTo(ids.get(599));
            assertThat(c.lag()).isEqualTo(400);
            final List<Event> uncommitted = new ArrayList<>();
            c.poll(uncommitted::add, 100); // read, never committed: read again after the restart
        }
        try (Journal journal = Journal.open(config()); Engine engine = engine(journal))
        {
            final DurableConsumer c = journal.consumer("billing", Seek.latest()); // the seek no longer applies
            final List<Long> more = publish(engine, journal, 10, "b");
            final List<Event> rest = pollAll(c);
            final List<Long> expected = new ArrayList<>(ids.subList(600, 1000));
            expected.addAll(more);
            assertThat(rest).extracting(Event::id).containsExactlyElementsOf(expected);
            assertThat(rest.get(0).payloadAsString()).startsWith("a600-");
            c.commit();
            assertThat(c.lag()).isZero();
            final StringBuilder metrics = new StringBuilder();
            journal.metrics(new io.ringcast.engine.spi.MetricSink()
            {
                @Override
                public void counter(final String name, final String help, final long value)
                {
                    metrics.append(name).append(' ').append(value).append('\n');
                }

                @Override
                public void gauge(final String name, final String help, final double value)
                {
                    metrics.append(name).append(' ').append((long)value).append('\n');
                }
            });
            assertThat(metrics.toString()).contains("journal_consumer_billing_lag_events 0");
        }
    }

    @Test
    void shouldSeekToLatestAfterAnIdAndFromATime() throws Exception
    {
        try (Journal journal = Journal.open(config()); Engine engine = engine(journal))
        {
            final List<Long> ids = publish(engine, journal, 500, "a");
            final DurableConsumer latest = journal.consumer("latest", Seek.latest());
            assertThat(pollAll(latest)).isEmpty();
            final List<Long> more = publish(engine, journal, 3, "b");
            assertThat(pollAll(latest)).extracting(Event::id).containsExactlyElementsOf(more);

            final DurableConsumer after = journal.consumer("after", Seek.afterId(ids.get(299)));
            final List<Event> fromAfter = pollAll(after);
            assertThat(fromAfter.get(0).id()).isEqualTo(ids.get(300));
            assertThat(fromAfter).hasSize(200 + 3);

            final long cut = System.currentTimeMillis() + 1;
            Await.until(() -> System.currentTimeMillis() > cut, () -> "clock");
            final List<Long> late = publish(engine, journal, 5, "c");
            final DurableConsumer fromTime = journal.consumer("from_time", Seek.fromTime(cut + 1));
            assertThat(pollAll(fromTime)).extracting(Event::id).containsExactlyElementsOf(late);
        }
    }

    @Test
    void shouldGoOnAtTheOldestRetainedEventAndCountAGapWhenRetentionOvertookIt() throws Exception
    {
        final JournalConfig config = config().retentionBytes(192 << 10);
        try (Journal journal = Journal.open(config); Engine engine = engine(journal))
        {
            publish(engine, journal, 10, "a");
            final DurableConsumer c = journal.consumer("slow", Seek.beginning());
            final List<Event> got = new ArrayList<>();
            c.poll(got::add, 5);
            c.commit();
            publish(engine, journal, 3000, "b");
            Await.until(() -> journal.segmentCount() <= 4, () -> journal.segmentCount() + " segments");
            final List<Event> rest = pollAll(c);
            assertThat(c.gaps()).isEqualTo(1);
            assertThat(rest.get(0).id()).isEqualTo(journal.oldestId());
        }
    }

    @Test
    void shouldRefuseABadNameAndASecondOpen() throws Exception
    {
        try (Journal journal = Journal.open(config()))
        {
            assertThatThrownBy(() -> journal.consumer("Bad-Name", Seek.beginning()))
                .hasMessageContaining("[a-z0-9_]");
            journal.consumer("one", Seek.beginning());
            assertThatThrownBy(() -> journal.consumer("one", Seek.beginning())).hasMessageContaining("already open");
            assertThatThrownBy(() -> Seek.parse("start")).hasMessageContaining("'beginning', 'latest'");
            assertThat(Seek.parse("after:42").toString()).isEqualTo("after:42");
        }
    }
}
