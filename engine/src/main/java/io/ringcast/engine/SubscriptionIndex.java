package io.ringcast.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the dispatcher finds the candidate subscriptions for an event. Each subscription is filed under exactly one
 * kind of key, chosen from its filter's most selective term:
 * <ol>
 *     <li>each of its exact topics (an event has one topic, so it is found at most once);</li>
 *     <li>else its longest topic prefix;</li>
 *     <li>else its audience term;</li>
 *     <li>else the wildcard list, evaluated for every event.</li>
 * </ol>
 * An event therefore only costs work for subscriptions whose key fits it. Owned by the dispatcher thread; not
 * thread-safe.
 */
final class SubscriptionIndex
{
    private final Map<String, SubscriberList> byTopic = new HashMap<>();
    private final PrefixTable byPrefix = new PrefixTable();
    private final Map<String, SubscriberList> byAudience = new HashMap<>();
    private final SubscriberList wildcard = new SubscriberList();
    private int size;
    /** Grows on every change, so {@link Topic} handles know when their cached entries are stale. */
    private long version;

    void add(final Subscriber s)
    {
        final Filter f = s.filter;
        if (f.matchesNothing)
        {
            s.indexKind = Subscriber.INDEX_NONE;
        }
        else if (f.topics != null)
        {
            s.indexKind = Subscriber.INDEX_TOPIC;
            for (final String topic : f.topics)
            {
                byTopic.computeIfAbsent(topic, k -> new SubscriberList()).add(s);
            }
        }
        else if (f.longestPrefix() != null)
        {
            s.indexKind = Subscriber.INDEX_PREFIX;
            byPrefix.getOrCreate(f.longestPrefix()).add(s);
        }
        else if (f.audience != null)
        {
            s.indexKind = Subscriber.INDEX_AUDIENCE;
            byAudience.computeIfAbsent(f.audience, k -> new SubscriberList()).add(s);
        }
        else
        {
            s.indexKind = Subscriber.INDEX_WILDCARD;
            wildcard.add(s);
        }
        s.keyImpliesFilter = f.impliedByIndexKey(s.indexKind);
        s.indexed = true;
        size++;
        version++;
    }

    void remove(final Subscriber s)
    {
        final Filter f = s.filter;
        switch (s.indexKind)
        {
            case Subscriber.INDEX_TOPIC:
                for (final String topic : f.topics)
                {
                    removeFrom(byTopic, topic, s);
                }
                break;
            case Subscriber.INDEX_PREFIX:
                byPrefix.remove(f.longestPrefix(), s);
                break;
            case Subscriber.INDEX_AUDIENCE:
                removeFrom(byAudience, f.audience, s);
                break;
            case Subscriber.INDEX_WILDCARD:
                wildcard.remove(s);
                break;
            default:
                break;
        }
        s.indexKind = Subscriber.INDEX_REMOVED;
        s.indexed = false;
        size--;
        version++;
    }

    private static void removeFrom(final Map<String, SubscriberList> map, final String key, final Subscriber s)
    {
        final SubscriberList list = map.get(key);
        if (list != null)
        {
            list.remove(s);
            if (list.isEmpty())
            {
                map.remove(key);
            }
        }
    }

    /** Hands every candidate list for {@code event} to the dispatcher. */
    void dispatch(final Event event, final long sequence, final Dispatcher dispatcher)
    {
        final Topic handle = event.topicHandle();
        if (handle != null)
        {
            if (handle.cachedVersion != version)
            {
                resolve(handle);
            }
            if (handle.exact != null)
            {
                dispatcher.dispatchTo(handle.exact, event, sequence);
            }
            for (final SubscriberList list : handle.prefixes)
            {
                dispatcher.dispatchTo(list, event, sequence);
            }
        }
        else
        {
            final String topic = event.topic();
            final SubscriberList exact = byTopic.get(topic);
            if (exact != null)
            {
                dispatcher.dispatchTo(exact, event, sequence);
            }
            byPrefix.dispatch(topic, dispatcher, event, sequence);
        }
        final String audience = event.audience();
        if (audience != null)
        {
            final SubscriberList audienceList = byAudience.get(audience);
            if (audienceList != null)
            {
                dispatcher.dispatchTo(audienceList, event, sequence);
            }
        }
        if (wildcard.size != 0)
        {
            dispatcher.dispatchTo(wildcard, event, sequence);
        }
    }

    /** Refreshes a handle's cached index entries; runs once per handle after each index change, not per event. */
    private void resolve(final Topic handle)
    {
        handle.exact = byTopic.get(handle.name);
        handle.prefixes = byPrefix.listsFor(handle.name);
        handle.cachedVersion = version;
    }

    /** @return the subscriptions filed under exactly this topic (for closeTopic), or {@code null}. */
    SubscriberList topicList(final String topic)
    {
        return byTopic.get(topic);
    }

    /** Calls {@code action} for every indexed subscriber; the action must not change the index. */
    void forEach(final java.util.function.Consumer<Subscriber> action)
    {
        final java.util.IdentityHashMap<Subscriber, Boolean> seen = new java.util.IdentityHashMap<>();
        final java.util.function.Consumer<SubscriberList> visit = list ->
        {
            for (int i = 0; i < list.size; i++)
            {
                if (seen.put(list.items[i], Boolean.TRUE) == null)
                {
                    action.accept(list.items[i]);
                }
            }
        };
        byTopic.values().forEach(visit);
        byAudience.values().forEach(visit);
        visit.accept(wildcard);
        byPrefix.forEachList(visit);
    }

    int size()
    {
        return size;
    }
}
