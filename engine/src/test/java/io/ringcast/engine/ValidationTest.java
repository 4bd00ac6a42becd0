package io.ringcast.engine;

import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ValidationTest
{
    @Test
    void shouldRejectEmptyTopicWithAMessageSayingWhy()
    {
        assertThatThrownBy(() -> Message.of("", new byte[0]))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("topic must not be empty");
        assertThatThrownBy(() -> Message.of((String)null, new byte[0]))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("topic is required");
    }

    @Test
    void shouldRejectTopicLongerThan256Utf8Bytes()
    {
        final String ok = "a".repeat(256);
        assertThat(Message.of(ok, null).topic()).isEqualTo(ok);
        assertThatThrownBy(() -> Message.of("a".repeat(257), null))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("257 UTF-8 bytes; at most 256");
        // 86 three-byte characters = 258 bytes although only 86 chars
        assertThatThrownBy(() -> Message.of("€".repeat(86), null))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("258 UTF-8 bytes");
    }

    @Test
    void shouldRejectAStarInATopicBecauseItMarksAPrefixPattern()
    {
        assertThatThrownBy(() -> Message.of("orders/*", null))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("must not contain '*' (at index 7)");
        assertThatThrownBy(() -> Filter.topic("a*b"))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("must not contain '*'");
        assertThat(Filter.topicPattern("orders/*")).isNotNull();
    }

    @Test
    void shouldRejectControlCharactersInTopicTypeAndAudience()
    {
        assertThatThrownBy(() -> Message.of("a\nb", null))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("control characters (found U+000A at index 1)");
        assertThatThrownBy(() -> Message.builder("t").type("x\u0000").build())
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("type must not contain control");
        assertThatThrownBy(() -> Message.builder("t").audience("").build())
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("audience must not be empty");
    }

    @Test
    void shouldRejectBadAttributes()
    {
        assertThatThrownBy(() -> Attributes.of("k"))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("odd count");
        assertThatThrownBy(() -> Attributes.of("k", ""))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("attribute value for 'k' must not be empty");
        Attributes a = Attributes.EMPTY;
        for (int i = 0; i < Attributes.MAX_ENTRIES; i++)
        {
            a = a.with("k" + i, "v");
        }
        final Attributes full = a;
        assertThatThrownBy(() -> full.with("one-more", "v"))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("at most 16 attributes");
        assertThat(full.with("k3", "replaced").get("k3")).isEqualTo("replaced");
    }

    @Test
    void shouldRejectBadFiltersAndPatterns()
    {
        assertThatThrownBy(() -> Filter.topicPattern("a/*/b"))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("only as its last character");
        assertThatThrownBy(() -> Filter.topics(Collections.emptyList()))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("at least one topic");
        assertThat(Filter.topicPattern("*").matches(event("anything"))).isTrue();
    }

    @Test
    void shouldRejectBadPublishArgumentsAndPublishNothing()
    {
        try (Engine engine = Engine.start(new EngineConfig().ringSize(8)))
        {
            assertThatThrownBy(() -> engine.tryPublish(null))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("message must not be null");
            assertThatThrownBy(() -> engine.tryPublishBatch(List.of()))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("at least one message");
            assertThatThrownBy(() -> engine.tryPublishBatch(Collections.nCopies(9, Message.of("t", null))))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("at most ringSize = 8");
            assertThat(engine.metrics().published()).isZero();
        }
    }

    @Test
    void shouldParseAndFormatEventIds()
    {
        assertThat(EventIds.parse(EventIds.format(1234567890123L))).isEqualTo(1234567890123L);
        assertThatThrownBy(() -> EventIds.parse("12a")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("decimal digits");
        assertThatThrownBy(() -> EventIds.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventIds.parse("99999999999999999999")).isInstanceOf(IllegalArgumentException.class);
    }

    static Event event(final String topic)
    {
        return EventLog.restore(1, 0, Message.of(topic, null), "n", 1);
    }
}
