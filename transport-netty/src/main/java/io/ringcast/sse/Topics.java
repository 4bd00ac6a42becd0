package io.ringcast.sse;

import io.ringcast.engine.Filter;
import io.ringcast.engine.InvalidEventException;

import java.util.List;

/** Turns the {@code topic} parameters of {@code GET /events} into one engine {@link Filter}. Stateless. */
final class Topics
{
    private Topics()
    {
    }

    /**
     * @param topics exact topics, or a single prefix pattern ending in {@code *} ({@code orders/*}, or {@code *}
     *               for every topic).
     * @return the filter.
     * @throws HttpError 400 naming the invalid parameter.
     */
    static Filter filter(final List<String> topics)
    {
        if (topics == null || topics.isEmpty())
        {
            throw HttpError.badRequest(
                "at least one 'topic' query parameter is required, as in /events?topic=orders or ?topic=orders/*");
        }
        int patterns = 0;
        for (final String t : topics)
        {
            if (t.indexOf('*') >= 0)
            {
                patterns++;
            }
        }
        try
        {
            if (patterns == 0)
            {
                return Filter.topics(topics);
            }
            if (topics.size() == 1)
            {
                return Filter.topicPattern(topics.get(0));
            }
            if (topics.contains("*"))
            {
                return Filter.all();
            }
        }
        catch (final InvalidEventException e)
        {
            throw HttpError.badRequest("invalid 'topic' parameter: " + e.getMessage());
        }
        throw HttpError.badRequest("a prefix pattern ('" + firstPattern(topics) +
            "') cannot be combined with other topics in one stream; open one stream per pattern");
    }

    private static String firstPattern(final List<String> topics)
    {
        for (final String t : topics)
        {
            if (t.indexOf('*') >= 0)
            {
                return t;
            }
        }
        return "";
    }
}
