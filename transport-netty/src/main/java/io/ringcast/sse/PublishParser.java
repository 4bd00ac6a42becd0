package io.ringcast.sse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.ringcast.engine.InvalidEventException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@code POST /publish} bodies into {@link ParsedEvent}s. A body is one JSON object
 * {@code {"topic":"..","type":"..","data":<any JSON>,"user":".."}} or, as NDJSON, one such object per line.
 *
 * <p>The payload is the exact JSON text of {@code data}, located in the body after a streaming validation with
 * jackson-core; it is never re-serialised, and not copied here (the engine copies it from the body into its ring slot).
 * Topic, type and user are validated by the engine's rules ({@link SharedNames}), which also share one topic handle
 * and one type string per name. Unknown fields, duplicate fields, missing topic or data, trailing content
 * and oversized data are refused with an {@link HttpError} that names the line (NDJSON) and the problem. The body must
 * be strict UTF-8 ({@link Utf8}): UTF-16, UTF-32, byte order marks, overlong forms and surrogates are refused. Event
 * types in {@link #RESERVED_TYPES} are refused.
 *
 * <p>Thread-safe: no state of its own; {@link SharedNames} is thread-safe.
 */
final class PublishParser
{
    private static final JsonFactory JSON = JsonFactory.builder().build();
    /**
     * Event types the server sends itself ({@code reset}, {@code token-expired}) or that an {@code EventSource}
     * reports on its own ({@code open}, {@code error}); a published event may not use them.
     */
    static final List<String> RESERVED_TYPES = List.of("reset", "token-expired", "error", "open");

    private final int maxEventBytes;
    private final SharedNames names;

    /** @param names validates the names and gives each topic one handle and each type one shared instance. */
    PublishParser(final int maxEventBytes, final SharedNames names)
    {
        this.maxEventBytes = maxEventBytes;
        this.names = names;
    }

    /** @return the event in a single-object JSON body. */
    ParsedEvent parseJson(final byte[] body)
    {
        return parseJson(body, 0, body.length);
    }

    /** @return the event in the single-object JSON body held in {@code body[offset, offset + length)}. */
    ParsedEvent parseJson(final byte[] body, final int offset, final int length)
    {
        checkEncoding(body, offset, offset + length, "");
        return parseObject(body, offset, length, "");
    }

    /** @return one event per non-blank line of an NDJSON body, in order. */
    List<ParsedEvent> parseNdjson(final byte[] body)
    {
        return parseNdjson(body, 0, body.length);
    }

    /** @return one event per non-blank line of the NDJSON body held in {@code body[offset, offset + length)}. */
    List<ParsedEvent> parseNdjson(final byte[] body, final int offset, final int length)
    {
        final List<ParsedEvent> events = new ArrayList<>();
        final int limit = offset + length;
        int lineNumber = 0;
        int start = offset;
        while (start <= limit)
        {
            int end = start;
            while (end < limit && body[end] != '\n')
            {
                end++;
            }
            lineNumber++;
            if (!isBlank(body, start, end))
            {
                final String where = "line " + lineNumber + ": ";
                checkEncoding(body, start, end, where);
                events.add(parseObject(body, start, end - start, where));
            }
            start = end + 1;
        }
        if (events.isEmpty())
        {
            throw HttpError.badRequest("the NDJSON body holds no events: send one JSON object per line");
        }
        return events;
    }

    /**
     * Refuses what is not UTF-8 before Jackson sees it: Jackson would detect UTF-16 or UTF-32 on its own (and byte
     * offsets would then not match the text), and it decodes overlong forms instead of refusing them. A JSON text in
     * UTF-8 never holds a NUL byte, while UTF-16 and UTF-32 text always does; a byte order mark is refused too.
     */
    private static void checkEncoding(final byte[] body, final int start, final int end, final String where)
    {
        if (end - start >= 2 && ((body[start] & 0xFF) == 0xFE && (body[start + 1] & 0xFF) == 0xFF ||
            (body[start] & 0xFF) == 0xFF && (body[start + 1] & 0xFF) == 0xFE) ||
            end - start >= 4 && body[start] == 0 && body[start + 1] == 0 && (body[start + 2] & 0xFF) == 0xFE)
        {
            throw HttpError.badRequest(where + "the body starts with a UTF-16 or UTF-32 byte order mark; " +
                "send UTF-8 JSON");
        }
        if (end - start >= 3 && (body[start] & 0xFF) == 0xEF && (body[start + 1] & 0xFF) == 0xBB &&
            (body[start + 2] & 0xFF) == 0xBF)
        {
            throw HttpError.badRequest(where + "the body starts with a byte order mark; send UTF-8 JSON without one");
        }
        for (int i = start; i < end; i++)
        {
            if (body[i] == 0)
            {
                throw HttpError.badRequest(where + "the body holds a NUL byte at offset " + (i - start) +
                    ": it looks like UTF-16 or UTF-32; send UTF-8 JSON");
            }
        }
        final int invalid = Utf8.firstInvalid(body, start, end);
        if (invalid >= 0)
        {
            throw HttpError.badRequest(where + "invalid UTF-8 at byte offset " + (invalid - start) +
                " (overlong forms, surrogates and code points above U+10FFFF are refused)");
        }
    }

    private ParsedEvent parseObject(final byte[] body, final int offset, final int length, final String where)
    {
        String topic = null;
        String type = null;
        String user = null;
        long data = -1; // the payload's offset in the body (high half) and its length (low half)
        try (JsonParser p = JSON.createParser(body, offset, length))
        {
            if (p.nextToken() != JsonToken.START_OBJECT)
            {
                throw HttpError.badRequest(where + "expected a JSON object {\"topic\":..,\"data\":..}");
            }
            JsonToken token = p.nextToken();
            while (token == JsonToken.FIELD_NAME)
            {
                final String field = p.currentName();
                final JsonToken value = p.nextToken();
                boolean advanced = false;
                switch (field)
                {
                    case "topic" -> topic = text(p, value, field, topic, where, false);
                    case "type" -> type = text(p, value, field, type, where, true);
                    case "user" -> user = text(p, value, field, user, where, true);
                    case "data" ->
                    {
                        if (data >= 0)
                        {
                            throw HttpError.badRequest(where + "field 'data' appears twice");
                        }
                        data = slice(p, body, offset, where);
                        advanced = true;
                    }
                    default -> throw HttpError.badRequest(
                        where + "unknown field '" + field + "'; accepted: topic, type, data, user");
                }
                token = advanced ? p.currentToken() : p.nextToken();
            }
            if (token != JsonToken.END_OBJECT)
            {
                throw HttpError.badRequest(where + "malformed JSON object");
            }
            if (p.nextToken() != null)
            {
                throw HttpError.badRequest(where + "unexpected content after the JSON object" +
                    (where.isEmpty() ? "; to publish several events send application/x-ndjson" : ""));
            }
        }
        catch (final StreamConstraintsException e)
        {
            throw HttpError.badRequest(where + "JSON exceeds a parser limit: " + e.getOriginalMessage());
        }
        catch (final JsonParseException e)
        {
            throw HttpError.badRequest(where + "malformed JSON: " +
                e.getOriginalMessage().replaceAll("\\[Source: .*?; line", "[line") + " at column " +
                e.getLocation().getColumnNr());
        }
        catch (final IOException e)
        {
            throw HttpError.badRequest(where + "unreadable JSON: " + e.getMessage());
        }
        if (topic == null)
        {
            throw HttpError.badRequest(where + "field 'topic' is required");
        }
        if (data < 0)
        {
            throw HttpError.badRequest(where + "field 'data' is required (any JSON value)");
        }
        if (type != null && RESERVED_TYPES.contains(type))
        {
            throw HttpError.badRequest(where + "event type '" + type + "' is reserved for the server's own frames; " +
                "reserved: " + String.join(", ", RESERVED_TYPES));
        }
        try
        {
            return new ParsedEvent(names.topic(topic), names.type(type), names.audience(user), body,
                (int)(data >>> 32), (int)data);
        }
        catch (final InvalidEventException e)
        {
            throw HttpError.badRequest(where + e.getMessage());
        }
    }

    private static String text(
        final JsonParser p,
        final JsonToken value,
        final String field,
        final String previous,
        final String where,
        final boolean nullable) throws IOException
    {
        if (previous != null)
        {
            throw HttpError.badRequest(where + "field '" + field + "' appears twice");
        }
        if (value == JsonToken.VALUE_NULL && nullable)
        {
            return null;
        }
        if (value != JsonToken.VALUE_STRING)
        {
            throw HttpError.badRequest(where + "field '" + field + "' must be a string");
        }
        return p.getText();
    }

    /**
     * Skips the value under the parser and locates its exact text, from its first byte to before the next token
     * (which is left as the parser's current token).
     *
     * @return the text's offset in {@code body} in the high 32 bits, its length in the low 32.
     */
    private long slice(final JsonParser p, final byte[] body, final int offset, final String where)
        throws IOException
    {
        final int start = offset + (int)p.currentTokenLocation().getByteOffset();
        validateValue(p);
        final JsonToken next = p.nextToken();
        if (next == null)
        {
            throw HttpError.badRequest(where + "malformed JSON object: unexpected end after 'data'");
        }
        int end = offset + (int)p.currentTokenLocation().getByteOffset();
        end = trimBack(body, start, end);
        if (end > start && body[end - 1] == ',')
        {
            end = trimBack(body, start, end - 1);
        }
        if (end - start > maxEventBytes)
        {
            throw HttpError.tooLarge(where + "'data' is " + (end - start) + " bytes; at most " + maxEventBytes +
                " are accepted per event");
        }
        return (long)start << 32 | (end - start);
    }

    /** Reads the value under the parser to its end, decoding every string so that invalid UTF-8 is refused. */
    private static void validateValue(final JsonParser p) throws IOException
    {
        int depth = 0;
        JsonToken token = p.currentToken();
        while (true)
        {
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY)
            {
                depth++;
            }
            else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY)
            {
                depth--;
            }
            else if (token == JsonToken.VALUE_STRING)
            {
                p.getTextLength();
            }
            if (depth == 0)
            {
                p.finishToken();
                return;
            }
            token = p.nextToken();
            if (token == null)
            {
                throw new JsonParseException(p, "unexpected end of input inside 'data'");
            }
        }
    }

    private static int trimBack(final byte[] body, final int start, final int end)
    {
        int e = end;
        while (e > start && isWhitespace(body[e - 1]))
        {
            e--;
        }
        return e;
    }

    private static boolean isBlank(final byte[] body, final int start, final int end)
    {
        for (int i = start; i < end; i++)
        {
            if (!isWhitespace(body[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhitespace(final byte b)
    {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }
}
