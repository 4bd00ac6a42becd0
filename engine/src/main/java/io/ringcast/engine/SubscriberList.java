package io.ringcast.engine;

import java.util.Arrays;

/**
 * A growable array of subscribers sharing one index key. Owned by the dispatcher thread; not thread-safe.
 * Removal swaps the last element into the hole, so order is not preserved (delivery order across subscribers is
 * not part of any contract).
 */
final class SubscriberList
{
    Subscriber[] items = new Subscriber[1];
    int size;

    void add(final Subscriber s)
    {
        if (size == items.length)
        {
            items = Arrays.copyOf(items, size << 1);
        }
        items[size++] = s;
    }

    boolean remove(final Subscriber s)
    {
        for (int i = 0; i < size; i++)
        {
            if (items[i] == s)
            {
                items[i] = items[--size];
                items[size] = null;
                return true;
            }
        }
        return false;
    }

    boolean isEmpty()
    {
        return size == 0;
    }
}
