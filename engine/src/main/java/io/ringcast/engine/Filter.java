package io.ringcast.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which events a subscription receives: a conjunction of terms, each optional.
 * <ul>
 *     <li>topics: the event's topic is one of a set (exact match);</li>
 *     <li>topic prefixes: the event's topic starts with every given prefix ({@code "orders/*"});</li>
 *     <li>audience: the event is private to the given user;</li>
 *     <li>type: the event's type equals;</li>
 *     <li>attributes: each given routing attribute equals.</li>
 * </ul>
 * {@link #all()} has no terms and matches every event. Combine with {@link #and(Filter)}; a contradiction (two
 * disjoint topic sets, two audiences) gives a filter that matches nothing.
 *
 * <p>The dispatcher indexes subscriptions by their most selective term (exact topics, then the longest prefix, then
 * audience), so only subscriptions whose index key fits an event are evaluated at all.
 *
 * <p>Private events are governed separately: whatever the filter says, an event with an audience reaches only
 * subscriptions {@linkplain SubscribeOptions#actingFor(String) acting for} that user.
 *
 * <p>Immutable and thread-safe.
 */
public final class Filter
{
    private static final String[] NONE = new String[0];
    private static final Filter ALL = new Filter(null, NONE, null, null, NONE, false);
    private static final Filter NOTHING = new Filter(null, NONE, null, null, NONE, true);

    final String[] topics;
    final String[] prefixes;
    final String audience;
    final String type;
    final String[] attributeKeyValues;
    final boolean matchesNothing;

    private Filter(
        final String[] topics,
        final String[] prefixes,
        final String audience,
        final String type,
        final String[] attributeKeyValues,
        final boolean matchesNothing)
    {
        this.topics = topics;
        this.prefixes = prefixes;
        this.audience = audience;
        this.type = type;
        this.attributeKeyValues = attributeKeyValues;
        this.matchesNothing = matchesNothing;
    }

    /** @return a filter that matches every event. */
    public static Filter all()
    {
        return ALL;
    }

    /** @return a filter matching events of exactly this topic. */
    public static Filter topic(final String topic)
    {
        return new Filter(new String[] {Validation.topic(topic)}, NONE, null, null, NONE, false);
    }

    /**
     * @param pattern a topic, or a prefix followed by {@code *} ({@code "orders/*"} matches {@code "orders/eu/1"});
     *                a lone {@code "*"} matches every topic.
     * @return the filter.
     * @throws InvalidEventException when the pattern is empty, too long, holds control characters, or has a
     *                               {@code *} anywhere but at the end.
     */
    public static Filter topicPattern(final String pattern)
    {
        Validation.name("topic pattern", pattern, Validation.MAX_TOPIC_BYTES);
        final int star = pattern.indexOf('*');
        if (star < 0)
        {
            return topic(pattern);
        }
        if (star != pattern.length() - 1)
        {
            throw new InvalidEventException(
                "topic pattern '" + pattern + "' may hold '*' only as its last character, as in 'orders/*'");
        }
        return prefix(pattern.substring(0, star));
    }

    /** @return a filter matching events whose topic starts with {@code prefix} (empty matches every topic). */
    public static Filter prefix(final String prefix)
    {
        if (prefix == null)
        {
            throw new InvalidEventException("topic prefix is required");
        }
        if (prefix.isEmpty())
        {
            return ALL;
        }
        return new Filter(null, new String[] {Validation.topic(prefix)}, null, null, NONE, false);
    }

    /** @return a filter matching events whose topic is any of {@code topics}. */
    public static Filter topics(final Collection<String> topics)
    {
        if (topics == null || topics.isEmpty())
        {
            throw new InvalidEventException("a topic set needs at least one topic");
        }
        final Set<String> unique = new LinkedHashSet<>();
        for (final String t : topics)
        {
            unique.add(Validation.topic(t));
        }
        return new Filter(unique.toArray(NONE), NONE, null, null, NONE, false);
    }

    /** @return a filter matching events whose topic is any of {@code topics}. */
    public static Filter topics(final String... topics)
    {
        return topics(Arrays.asList(topics));
    }

    /** @return a filter matching events private to {@code user}. */
    public static Filter audience(final String user)
    {
        return new Filter(null, NONE, Validation.name("audience", user, Validation.MAX_NAME_BYTES), null, NONE, false);
    }

    /** @return a filter matching events of this type. */
    public static Filter type(final String type)
    {
        return new Filter(null, NONE, null, Validation.name("type", type, Validation.MAX_NAME_BYTES), NONE, false);
    }

    /** @return a filter matching events whose routing attribute {@code key} equals {@code value}. */
    public static Filter attribute(final String key, final String value)
    {
        Validation.name("attribute key", key, Validation.MAX_NAME_BYTES);
        Validation.name("attribute value for '" + key + "'", value, Validation.MAX_NAME_BYTES);
        return new Filter(null, NONE, null, null, new String[] {key, value}, false);
    }

    /**
     * @param other another filter.
     * @return a filter matching events that match both.
     */
    public Filter and(final Filter other)
    {
        if (matchesNothing || other.matchesNothing)
        {
            return NOTHING;
        }
        String[] mergedTopics = topics;
        if (other.topics != null)
        {
            if (topics == null)
            {
                mergedTopics = other.topics;
            }
            else
            {
                final List<String> common = new ArrayList<>();
                for (final String t : topics)
                {
                    if (Arrays.asList(other.topics).contains(t))
                    {
                        common.add(t);
                    }
                }
                if (common.isEmpty())
                {
                    return NOTHING;
                }
                mergedTopics = common.toArray(NONE);
            }
        }
        final String mergedAudience = mergeSingle(audience, other.audience);
        final String mergedType = mergeSingle(type, other.type);
        if (mergedAudience == CONFLICT || mergedType == CONFLICT)
        {
            return NOTHING;
        }
        final String[] mergedAttributes = concat(attributeKeyValues, other.attributeKeyValues);
        for (int i = 0; i < mergedAttributes.length; i += 2)
        {
            for (int j = i + 2; j < mergedAttributes.length; j += 2)
            {
                if (mergedAttributes[i].equals(mergedAttributes[j]) &&
                    !mergedAttributes[i + 1].equals(mergedAttributes[j + 1]))
                {
                    return NOTHING;
                }
            }
        }
        return new Filter(
            mergedTopics, concat(prefixes, other.prefixes), mergedAudience, mergedType, mergedAttributes, false);
    }

    private static final String CONFLICT = new String("conflict");

    private static String mergeSingle(final String a, final String b)
    {
        if (a == null)
        {
            return b;
        }
        if (b == null || a.equals(b))
        {
            return a;
        }
        return CONFLICT;
    }

    private static String[] concat(final String[] a, final String[] b)
    {
        if (a.length == 0)
        {
            return b;
        }
        if (b.length == 0)
        {
            return a;
        }
        final String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * @param event an event.
     * @return {@code true} when every term of this filter holds for the event.
     */
    public boolean matches(final Event event)
    {
        if (matchesNothing)
        {
            return false;
        }
        final String topic = event.topic();
        if (topics != null && !containsTopic(topic))
        {
            return false;
        }
        for (final String prefix : prefixes)
        {
            if (!topic.startsWith(prefix))
            {
                return false;
            }
        }
        if (audience != null && !audience.equals(event.audience()))
        {
            return false;
        }
        if (type != null && !type.equals(event.type()))
        {
            return false;
        }
        final Attributes attributes = event.attributes();
        for (int i = 0; i < attributeKeyValues.length; i += 2)
        {
            if (!attributeKeyValues[i + 1].equals(attributes.get(attributeKeyValues[i])))
            {
                return false;
            }
        }
        return true;
    }

    private boolean containsTopic(final String topic)
    {
        for (final String t : topics)
        {
            if (t.equals(topic))
            {
                return true;
            }
        }
        return false;
    }

    /** @return {@code true} when the filter can never match (a contradiction). */
    public boolean matchesNothing()
    {
        return matchesNothing;
    }

    /** @return {@code true} when this filter names exactly one topic (or a set containing it). */
    boolean namesTopic(final String topic)
    {
        return topics != null && containsTopic(topic);
    }

    /**
     * @param indexKind the key kind the {@link SubscriptionIndex} filed this filter under.
     * @return {@code true} when finding a subscription under its index key already proves the whole filter holds, so
     *         the dispatcher need not evaluate it again (a filter with that one term and nothing else).
     */
    boolean impliedByIndexKey(final int indexKind)
    {
        final boolean noOtherTerms = type == null && attributeKeyValues.length == 0;
        switch (indexKind)
        {
            case Subscriber.INDEX_TOPIC:
                return noOtherTerms && prefixes.length == 0 && audience == null;
            case Subscriber.INDEX_PREFIX:
                return noOtherTerms && prefixes.length == 1 && audience == null;
            case Subscriber.INDEX_AUDIENCE:
                return noOtherTerms && prefixes.length == 0;
            case Subscriber.INDEX_WILDCARD:
                return noOtherTerms && prefixes.length == 0 && audience == null && !matchesNothing;
            default:
                return false;
        }
    }

    /** @return the longest prefix term, or {@code null}. */
    String longestPrefix()
    {
        String best = null;
        for (final String p : prefixes)
        {
            if (best == null || p.length() > best.length())
            {
                best = p;
            }
        }
        return best;
    }

    @Override
    public String toString()
    {
        if (matchesNothing)
        {
            return "Filter{nothing}";
        }
        final StringBuilder sb = new StringBuilder("Filter{");
        if (topics != null)
        {
            sb.append("topics=").append(Arrays.toString(topics)).append(' ');
        }
        for (final String p : prefixes)
        {
            sb.append("prefix=").append(p).append("* ");
        }
        if (audience != null)
        {
            sb.append("audience=").append(audience).append(' ');
        }
        if (type != null)
        {
            sb.append("type=").append(type).append(' ');
        }
        for (int i = 0; i < attributeKeyValues.length; i += 2)
        {
            sb.append(attributeKeyValues[i]).append('=').append(attributeKeyValues[i + 1]).append(' ');
        }
        return sb.toString().trim() + "}";
    }
}
