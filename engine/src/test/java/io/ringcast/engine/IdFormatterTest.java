package io.ringcast.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ringcast.engine.TestEvents.drainUntil;
import static io.ringcast.engine.TestEvents.msg;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class IdFormatterTest
{
    @Test
    void shouldFormatEachEventOnceBeforeTheEncoderAndShareTheIdWithEverySubscriberAndTheHistory()
    {
        final AtomicInteger calls = new AtomicInteger();
        final EventIdFormatter formatter = e -> "p" + calls.incrementAndGet() + "@" + e.payloadAsString();
        final EventEncoder encoder = e -> e.idString();
        try (Engine engine = Engine.start(new EngineConfig().idFormatter(formatter).encoder(encoder)))
        {
            final Subscription first = engine.subscribe(Filter.all());
            final Subscription second = engine.subscribe(Filter.all());
            final long id = engine.publish(msg("t", "a"));
            engine.publish(msg("t", "b"));
            final List<Event> one = new ArrayList<>();
            final List<Event> two = new ArrayList<>();
            drainUntil(first, one, 2);
            drainUntil(second, two, 2);

            assertThat(calls.get()).isEqualTo(2);
            assertThat(one).extracting(Event::idString).containsExactly("p1@a", "p2@b");
            assertThat(one).extracting(Event::encoded).containsExactly("p1@a", "p2@b");
            assertThat(two).extracting(Event::idString).containsExactly("p1@a", "p2@b");
            assertThat(one.get(0).encoded()).isSameAs(two.get(0).encoded());
            assertThat(one.get(0).hasFormattedId()).isTrue();
            assertThat(one.get(0).id()).isEqualTo(id);

            final Subscription resumed = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(id));
            final List<Event> replay = new ArrayList<>();
            drainUntil(resumed, replay, 1);
            assertThat(replay).extracting(Event::idString).containsExactly("p2@b");
        }
    }

    @Test
    void shouldKeepTheDecimalIdAndReportTheErrorWhenTheFormatterFailsOrReturnsAnUnprintableId()
    {
        final List<String> errors = new ArrayList<>();
        final EventIdFormatter formatter = e -> switch (e.payloadAsString())
        {
            case "throw" -> throw new IllegalStateException("boom");
            case "newline" -> "a\nb";
            case "empty" -> "";
            case "null" -> null;
            default -> "ok-" + e.payloadAsString();
        };
        final EngineConfig config = new EngineConfig().idFormatter(formatter)
            .errorHandler((where, t) ->
            {
                synchronized (errors)
                {
                    errors.add(where + ": " + t.getMessage());
                }
            });
        try (Engine engine = Engine.start(config))
        {
            final Subscription all = engine.subscribe(Filter.all());
            final List<Long> ids = new ArrayList<>();
            for (final String p : List.of("throw", "newline", "empty", "null", "fine"))
            {
                ids.add(engine.publish(msg("t", p)));
            }
            final List<Event> got = new ArrayList<>();
            drainUntil(all, got, 5);

            assertThat(got).extracting(Event::idString).containsExactly(
                EventIds.format(ids.get(0)), EventIds.format(ids.get(1)), EventIds.format(ids.get(2)),
                EventIds.format(ids.get(3)), "ok-fine");
            assertThat(got.get(3).hasFormattedId()).isFalse();
            assertThat(engine.metrics().errors()).isEqualTo(3);
            synchronized (errors)
            {
                assertThat(errors).hasSize(3).allMatch(s -> s.startsWith("idFormatter: "));
                assertThat(errors.get(1)).contains("printable");
            }
        }
    }
}
