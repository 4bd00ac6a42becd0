package io.ringcast.sse;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fuzzes topic and pattern validation and grant matching: a filter or a 400, never anything else. */
class TopicsFuzz
{
    @Property(seed = "1521")
    void anyTopicListIsAFilterOrA400(@ForAll("topicLists") final List<String> topics)
    {
        try
        {
            Topics.filter(topics);
        }
        catch (final HttpError e)
        {
            assertEquals(400, e.status.code(), e.detail());
        }
    }

    @Property(seed = "1522")
    void grantMatchingNeverFails(@ForAll("topicLists") final List<String> grants, @ForAll("topics") final String topic)
    {
        final Principal p = new Principal("u", grants, grants, grants, Long.MAX_VALUE);
        p.maySubscribe(topic);
        p.mayPublish(topic);
        p.mayAddress(topic, "v");
    }

    @Provide
    Arbitrary<String> topics()
    {
        final Arbitrary<Character> c = Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.chars().with("ab/*.-_ ")),
            Tuple.of(1, Arbitraries.chars().all()));
        return c.list().ofMaxSize(20).map(l ->
        {
            final StringBuilder b = new StringBuilder(l.size());
            l.forEach(b::append);
            return b.toString();
        });
    }

    @Provide
    Arbitrary<List<String>> topicLists()
    {
        return topics().list().ofMaxSize(4);
    }
}
