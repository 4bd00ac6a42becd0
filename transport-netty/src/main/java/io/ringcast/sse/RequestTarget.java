package io.ringcast.sse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request target ({@code /path?name=value&...}) decoded strictly: every percent-escape must be two hex digits, and
 * the decoded bytes of the path and of each parameter must be valid UTF-8 (no overlong forms, no surrogates, nothing
 * above U+10FFFF). {@code +} in the query is a space. Anything else is an {@link HttpError} 400 whose detail names
 * the part at fault but never echoes the query, which may hold a token.
 *
 * <p>Bounded: at most {@value #MAX_PARAMETERS} parameters. Immutable and thread-safe once built.
 */
final class RequestTarget
{
    static final int MAX_PARAMETERS = 256;

    private final String path;
    private final Map<String, List<String>> parameters;

    private RequestTarget(final String path, final Map<String, List<String>> parameters)
    {
        this.path = path;
        this.parameters = parameters;
    }

    /**
     * @param uri the request target as received in the request line.
     * @return the decoded target.
     * @throws HttpError 400 for a target that is not origin-form, a bad escape or invalid UTF-8.
     */
    static RequestTarget parse(final String uri)
    {
        if (uri.isEmpty() || uri.charAt(0) != '/')
        {
            throw HttpError.badRequest("the request target must be a path starting with '/'");
        }
        int end = uri.indexOf('#');
        end = end < 0 ? uri.length() : end;
        final int question = uri.indexOf('?');
        final int pathEnd = question < 0 || question > end ? end : question;
        final String path = decode(uri, 0, pathEnd, false, "the path");
        final Map<String, List<String>> parameters = new LinkedHashMap<>();
        int count = 0;
        int start = pathEnd + 1;
        while (start < end)
        {
            int next = uri.indexOf('&', start);
            next = next < 0 || next > end ? end : next;
            if (next > start)
            {
                if (++count > MAX_PARAMETERS)
                {
                    throw HttpError.badRequest("the query has more than " + MAX_PARAMETERS + " parameters");
                }
                int eq = uri.indexOf('=', start);
                eq = eq < 0 || eq > next ? next : eq;
                final String name = decode(uri, start, eq, true, "a query parameter name");
                final String value = eq < next ? decode(uri, eq + 1, next, true, "the query parameter '" +
                    printable(name) + "'") : "";
                parameters.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
            }
            start = next + 1;
        }
        return new RequestTarget(path, parameters);
    }

    String path()
    {
        return path;
    }

    /** @return the values of parameter {@code name} in order, or an empty list. */
    List<String> all(final String name)
    {
        final List<String> values = parameters.get(name);
        return values == null ? List.of() : values;
    }

    /** @return the first value of parameter {@code name}, or {@code null}. */
    String first(final String name)
    {
        final List<String> values = parameters.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String decode(
        final String uri, final int start, final int end, final boolean plusIsSpace, final String what)
    {
        boolean plain = true;
        for (int i = start; i < end; i++)
        {
            final char c = uri.charAt(i);
            if (c == '%' || c == '+' && plusIsSpace || c > 0x7E)
            {
                plain = false;
                break;
            }
        }
        if (plain)
        {
            return uri.substring(start, end);
        }
        final byte[] bytes = new byte[(end - start) * 3];
        int n = 0;
        for (int i = start; i < end; i++)
        {
            final char c = uri.charAt(i);
            if (c == '%')
            {
                final int hi = i + 2 < end ? Character.digit(uri.charAt(i + 1), 16) : -1;
                final int lo = hi >= 0 ? Character.digit(uri.charAt(i + 2), 16) : -1;
                if (lo < 0)
                {
                    throw HttpError.badRequest("malformed percent-escape in " + what +
                        ": '%' must be followed by two hex digits");
                }
                bytes[n++] = (byte)(hi << 4 | lo);
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                bytes[n++] = ' ';
            }
            else
            {
                // the request line arrives as ISO-8859-1: each char is one raw byte, validated as UTF-8 below
                bytes[n++] = (byte)c;
            }
        }
        try
        {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, 0, n)).toString();
        }
        catch (final CharacterCodingException e)
        {
            throw HttpError.badRequest(what + " is not valid UTF-8 once percent-decoded");
        }
    }

    /** @return {@code s} cut to 64 chars with control characters replaced, fit for an error detail. */
    static String printable(final String s)
    {
        final StringBuilder b = new StringBuilder(Math.min(s.length(), 64));
        for (int i = 0; i < s.length() && i < 64; i++)
        {
            final char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7F ? '?' : c);
        }
        return s.length() > 64 ? b.append("...").toString() : b.toString();
    }
}
