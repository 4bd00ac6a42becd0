package io.ringcast.relay.pg;

import io.ringcast.engine.Attributes;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Attributes as one text column: {@code k1=v1&k2=v2}, each part form-URL-encoded, {@code null} when empty.
 * Stateless and thread-safe.
 */
final class AttributeCodec
{
    private AttributeCodec()
    {
    }

    static String encode(final Attributes attributes)
    {
        if (attributes.isEmpty())
        {
            return null;
        }
        final StringBuilder b = new StringBuilder();
        attributes.forEach((k, v) ->
        {
            if (b.length() > 0)
            {
                b.append('&');
            }
            b.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return b.toString();
    }

    static Attributes decode(final String text)
    {
        if (text == null || text.isEmpty())
        {
            return Attributes.EMPTY;
        }
        final List<String> kv = new ArrayList<>();
        for (final String pair : text.split("&"))
        {
            final int eq = pair.indexOf('=');
            kv.add(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8));
            kv.add(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return Attributes.of(kv.toArray(new String[0]));
    }
}
