package io.ringcast.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Subscribers indexed by topic prefix, looked up without allocation: while hashing an event's topic left to right
 * (the same polynomial as {@link String#hashCode()}), the table is probed only at the lengths some registered prefix
 * has. Cost per event: one pass over the topic plus one probe per distinct prefix length.
 *
 * <p>Open addressing with linear probing; removing a key rebuilds the table (prefix keys come and go rarely compared
 * with events). Owned by the dispatcher thread; not thread-safe.
 */
final class PrefixTable
{
    private String[] keys = new String[16];
    private SubscriberList[] values = new SubscriberList[16];
    private int size;
    private final int[] lengthCounts = new int[Validation.MAX_TOPIC_BYTES + 1];
    private int[] lengths = new int[0];

    SubscriberList getOrCreate(final String prefix)
    {
        final int h = prefix.hashCode();
        int idx = spread(h) & (keys.length - 1);
        while (keys[idx] != null)
        {
            if (keys[idx].equals(prefix))
            {
                return values[idx];
            }
            idx = (idx + 1) & (keys.length - 1);
        }
        final SubscriberList list = new SubscriberList();
        keys[idx] = prefix;
        values[idx] = list;
        size++;
        if (lengthCounts[prefix.length()]++ == 0)
        {
            rebuildLengths();
        }
        if (size * 2 > keys.length)
        {
            rehash(keys.length << 1);
        }
        return list;
    }

    void remove(final String prefix, final Subscriber s)
    {
        final int h = prefix.hashCode();
        int idx = spread(h) & (keys.length - 1);
        while (keys[idx] != null)
        {
            if (keys[idx].equals(prefix))
            {
                final SubscriberList list = values[idx];
                list.remove(s);
                if (list.isEmpty())
                {
                    keys[idx] = null;
                    values[idx] = null;
                    size--;
                    if (--lengthCounts[prefix.length()] == 0)
                    {
                        rebuildLengths();
                    }
                    rehash(keys.length);
                }
                return;
            }
            idx = (idx + 1) & (keys.length - 1);
        }
    }

    /** Calls {@code dispatcher.dispatchTo} for the list of every registered prefix of {@code topic}. */
    void dispatch(final String topic, final Dispatcher dispatcher, final Event event, final long sequence)
    {
        final int[] lengths = this.lengths;
        if (lengths.length == 0)
        {
            return;
        }
        final int topicLength = topic.length();
        int li = 0;
        int nextLength = lengths[0];
        int h = 0;
        for (int i = 0; i < topicLength; i++)
        {
            h = 31 * h + topic.charAt(i);
            if (i + 1 == nextLength)
            {
                final SubscriberList list = lookup(topic, nextLength, h);
                if (list != null)
                {
                    dispatcher.dispatchTo(list, event, sequence);
                }
                if (++li == lengths.length)
                {
                    return;
                }
                nextLength = lengths[li];
            }
        }
    }

    /** @return the lists of every registered prefix of {@code topic} (a shared empty array when none). */
    SubscriberList[] listsFor(final String topic)
    {
        SubscriberList[] found = Topic.noLists();
        int h = 0;
        int li = 0;
        for (int i = 0; i < topic.length() && li < lengths.length; i++)
        {
            h = 31 * h + topic.charAt(i);
            if (i + 1 == lengths[li])
            {
                final SubscriberList list = lookup(topic, lengths[li], h);
                if (list != null)
                {
                    found = Arrays.copyOf(found, found.length + 1);
                    found[found.length - 1] = list;
                }
                li++;
            }
        }
        return found;
    }

    void forEachList(final java.util.function.Consumer<SubscriberList> action)
    {
        for (final SubscriberList list : values)
        {
            if (list != null)
            {
                action.accept(list);
            }
        }
    }

    int size()
    {
        return size;
    }

    private SubscriberList lookup(final String topic, final int length, final int h)
    {
        final String[] keys = this.keys;
        final int mask = keys.length - 1;
        int idx = spread(h) & mask;
        String key;
        while ((key = keys[idx]) != null)
        {
            if (key.length() == length && key.hashCode() == h && topic.regionMatches(0, key, 0, length))
            {
                return values[idx];
            }
            idx = (idx + 1) & mask;
        }
        return null;
    }

    private void rebuildLengths()
    {
        final List<Integer> present = new ArrayList<>();
        for (int i = 1; i < lengthCounts.length; i++)
        {
            if (lengthCounts[i] > 0)
            {
                present.add(i);
            }
        }
        lengths = present.stream().mapToInt(Integer::intValue).toArray();
    }

    private void rehash(final int capacity)
    {
        final String[] oldKeys = keys;
        final SubscriberList[] oldValues = values;
        keys = new String[capacity];
        values = new SubscriberList[capacity];
        for (int i = 0; i < oldKeys.length; i++)
        {
            if (oldKeys[i] != null)
            {
                int idx = spread(oldKeys[i].hashCode()) & (capacity - 1);
                while (keys[idx] != null)
                {
                    idx = (idx + 1) & (capacity - 1);
                }
                keys[idx] = oldKeys[i];
                values[idx] = oldValues[i];
            }
        }
    }

    private static int spread(final int h)
    {
        return (h ^ (h >>> 16)) * 0x9E3779B1;
    }

    @Override
    public String toString()
    {
        return "PrefixTable{size=" + size + ", lengths=" + Arrays.toString(lengths) + '}';
    }
}
