package io.ringcast.sse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.ringcast.engine.InvalidEventException;
import io.ringcast.engine.Message;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns {@code POST /publish} bodies into {@link Message}s. A body is one JSON object
 * {@code {"topic":"..","type":"..","data":<any JSON>,"user":".."}} or, as NDJSON, one such object per line.
 *
 * <p>The payload is the exact JSON text of {@code data}, sliced out of the body after a streaming validation with
 * jackson-core; it is never re-serialised. Unknown fields, duplicate fields, missing topic or data, trailing content
 * and oversized data are refused with an {@link HttpError} that names the line (NDJSON) and the problem.
 *
 * <p>Stateless and thread-safe.
 */
final class PublishParser
{
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private final int maxEventBytes;

    PublishParser(final int maxEventBytes)
    {
        this.maxEventBytes = maxEventBytes;
    }

    /** @return the message in a single-object JSON body. */
    Message parseJson(final byte[] body)
    {
        return parseObject(body, 0, body.length, "");
    }

    /** @return one message per non-blank line of an NDJSON body, in order. */
    List<Message> parseNdjson(final byte[] body)
    {
        final List<Message> messages = new ArrayList<>();
        int lineNumber = 0;
        int start = 0;
        while (start <= body.length)
        {
            int end = start;
            while (end < body.length && body[end] != '\n')
            {
                end++;
            }
            lineNumber++;
            if (!isBlank(body, start, end))
            {
                messages.add(parseObject(body, start, end - start, "line " + lineNumber + ": "));
            }
            start = end + 1;
        }
        if (messages.isEmpty())
        {
            throw HttpError.badRequest("the NDJSON body holds no events: send one JSON object per line");
        }
        return messages;
    }

    private Message parseObject(final byte[] body, final int offset, final int length, final String where)
    {
        String topic = null;
        String type = null;
        String user = null;
        byte[] data = null;
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
                        if (data != null)
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
        if (data == null)
        {
            throw HttpError.badRequest(where + "field 'data' is required (any JSON value)");
        }
        try
        {
            return Message.builder(topic).type(type).audience(user).payload(data).build();
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
     * Skips the value under the parser and returns its exact text, from its first byte to before the next token
     * (which is left as the parser's current token).
     */
    private byte[] slice(final JsonParser p, final byte[] body, final int offset, final String where)
        throws IOException
    {
        final int start = offset + (int)p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        p.finishToken();
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
        return Arrays.copyOfRange(body, start, end);
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
