package io.ringcast.engine;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Late binding of an alias attribute from a table of declared bindings (generalises the seed's
 * {@code (connector_id, session_id) -> scroll_id} cache).
 *
 * <p>A binding maps the values of some key attributes to an alias value, for example
 * {@code (connector, session) -> scroll}. An event <em>declares</em> a binding when it carries every key attribute
 * and the alias attribute (and, if a declaring type is set, has that type); the binding is then stored or replaced.
 * An event that carries every key attribute but no alias attribute gets the bound alias added, so subscribers
 * filtering on {@code scroll=...} receive it. An alias the event already carries always wins.
 *
 * <p>Bounded: at most {@code capacity} bindings; when a new binding would exceed it, the least recently used binding
 * (declared or applied longest ago) is evicted, and later events with its key are left unbound until it is declared
 * again. {@link #evictions()} counts this.
 *
 * <p>Thread-safety: runs on the dispatcher thread only (it is an {@link Enricher}); {@link #size()} and
 * {@link #evictions()} are plain reads meant for diagnostics.
 *
 * <pre>{@code
 * new EngineConfig().enricher(new BindingEnricher(List.of("connector", "session"), "scroll", "session.registered", 10_000));
 * }</pre>
 */
public final class BindingEnricher implements Enricher
{
    private final String[] keyAttributes;
    private final String aliasAttribute;
    private final String declaringType;
    private final int capacity;
    private final LinkedHashMap<String, String> bindings;
    private long evictions;

    /**
     * @param keyAttributes  the attributes whose values form the key, at least one.
     * @param aliasAttribute the attribute to bind.
     * @param declaringType  only events of this type declare bindings, or {@code null} for any event.
     * @param capacity       most bindings held, at least 1.
     */
    public BindingEnricher(
        final java.util.List<String> keyAttributes,
        final String aliasAttribute,
        final String declaringType,
        final int capacity)
    {
        if (keyAttributes == null || keyAttributes.isEmpty())
        {
            throw new IllegalArgumentException("keyAttributes needs at least one attribute name");
        }
        if (aliasAttribute == null || aliasAttribute.isEmpty() || keyAttributes.contains(aliasAttribute))
        {
            throw new IllegalArgumentException("aliasAttribute must be a non-empty name that is not a key attribute");
        }
        if (capacity < 1)
        {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
        this.keyAttributes = keyAttributes.toArray(new String[0]);
        this.aliasAttribute = aliasAttribute;
        this.declaringType = declaringType;
        this.capacity = capacity;
        this.bindings = new LinkedHashMap<>(16, 0.75f, true)
        {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<String, String> eldest)
            {
                if (size() > BindingEnricher.this.capacity)
                {
                    evictions++;
                    return true;
                }
                return false;
            }
        };
    }

    @Override
    public Attributes enrich(final Event event)
    {
        final Attributes attributes = event.attributes();
        if (attributes.size() < keyAttributes.length)
        {
            return attributes;
        }
        final String key = keyOf(attributes);
        if (key == null)
        {
            return attributes;
        }
        final String alias = attributes.get(aliasAttribute);
        if (alias != null)
        {
            if (declaringType == null || declaringType.equals(event.type()))
            {
                bindings.put(key, alias);
            }
            return attributes;
        }
        final String bound = bindings.get(key);
        return bound == null ? attributes : attributes.with(aliasAttribute, bound);
    }

    private String keyOf(final Attributes attributes)
    {
        if (keyAttributes.length == 1)
        {
            return attributes.get(keyAttributes[0]);
        }
        final StringBuilder sb = new StringBuilder();
        for (final String k : keyAttributes)
        {
            final String v = attributes.get(k);
            if (v == null)
            {
                return null;
            }
            sb.append(v).append('\u0000');
        }
        return sb.toString();
    }

    /** @return bindings held. */
    public int size()
    {
        return bindings.size();
    }

    /** @return bindings evicted because the table was full. */
    public long evictions()
    {
        return evictions;
    }

    @Override
    public String toString()
    {
        return "BindingEnricher{" + Arrays.toString(keyAttributes) + " -> " + aliasAttribute + ", size=" + size() + '}';
    }
}
