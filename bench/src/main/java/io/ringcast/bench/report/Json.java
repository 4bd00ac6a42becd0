package io.ringcast.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small JSON reader for JMH's result files: objects become {@link Map}s, arrays {@link List}s, numbers
 * {@link Double}s (JMH writes {@code "NaN"} as a string, which {@link #number} accepts). Not thread-safe; one per parse.
 */
final class Json
{
    private final String s;
    private int p;

    private Json(final String s)
    {
        this.s = s;
    }

    static Object parse(final String text)
    {
        final Json j = new Json(text);
        final Object v = j.value();
        j.ws();
        if (j.p != j.s.length())
        {
            throw j.error("trailing characters");
        }
        return v;
    }

    static double number(final Object o)
    {
        if (o instanceof Double d)
        {
            return d;
        }
        if (o instanceof String str)
        {
            try
            {
                return Double.parseDouble(str);
            }
            catch (final NumberFormatException e)
            {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    private Object value()
    {
        ws();
        if (p >= s.length())
        {
            throw error("unexpected end");
        }
        final char c = s.charAt(p);
        switch (c)
        {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return num();
        }
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> m = new LinkedHashMap<>();
        p++;
        ws();
        if (s.charAt(p) == '}')
        {
            p++;
            return m;
        }
        while (true)
        {
            ws();
            final String k = string();
            ws();
            expect(':');
            m.put(k, value());
            ws();
            if (s.charAt(p) == ',')
            {
                p++;
                continue;
            }
            expect('}');
            return m;
        }
    }

    private List<Object> array()
    {
        final List<Object> l = new ArrayList<>();
        p++;
        ws();
        if (s.charAt(p) == ']')
        {
            p++;
            return l;
        }
        while (true)
        {
            l.add(value());
            ws();
            if (s.charAt(p) == ',')
            {
                p++;
                continue;
            }
            expect(']');
            return l;
        }
    }

    private String string()
    {
        expect('"');
        final StringBuilder b = new StringBuilder();
        while (true)
        {
            final char c = s.charAt(p++);
            if (c == '"')
            {
                return b.toString();
            }
            if (c == '\\')
            {
                final char e = s.charAt(p++);
                switch (e)
                {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' ->
                    {
                        b.append((char)Integer.parseInt(s.substring(p, p + 4), 16));
                        p += 4;
                    }
                    default -> b.append(e);
                }
            }
            else
            {
                b.append(c);
            }
        }
    }

    private Double num()
    {
        final int start = p;
        while (p < s.length() && "+-0123456789.eE".indexOf(s.charAt(p)) >= 0)
        {
            p++;
        }
        if (start == p)
        {
            throw error("unexpected character '" + s.charAt(p) + "'");
        }
        return Double.parseDouble(s.substring(start, p));
    }

    private Object literal(final String word, final Object v)
    {
        if (!s.startsWith(word, p))
        {
            throw error("expected " + word);
        }
        p += word.length();
        return v;
    }

    private void expect(final char c)
    {
        if (p >= s.length() || s.charAt(p) != c)
        {
            throw error("expected '" + c + "'");
        }
        p++;
    }

    private void ws()
    {
        while (p < s.length() && Character.isWhitespace(s.charAt(p)))
        {
            p++;
        }
    }

    private IllegalArgumentException error(final String what)
    {
        return new IllegalArgumentException("invalid JSON at offset " + p + ": " + what);
    }
}
