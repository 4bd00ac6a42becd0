package io.ringcast.bench.load;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Parses one HTTP/1.1 response straight from the socket's bytes: the status line and headers, then the body, which is
 * handed on in pieces without a copy: de-chunked when the response is {@code Transfer-Encoding: chunked}, otherwise
 * everything until the connection closes. It replaces Netty's {@code HttpClientCodec} on the load tool's streams,
 * which allocated an {@code HttpContent} per chunk (a hundred thousand a second in workload B) and cost the tool CPU
 * and young pauses that land in the latency it measures.
 *
 * <p>Not thread-safe: one instance per connection, fed on its event loop.
 */
final class RawHttpResponse
{
    /** Receives the parts of the response, on the feeding thread. */
    interface Listener
    {
        /** The status line arrived; {@code code} is its status code. */
        void status(int code);

        /** Body bytes {@code [from, to)} of {@code buf}; valid only during the call. */
        void body(ByteBuf buf, int from, int to);
    }

    /** Longest response head accepted; longer is a protocol error. */
    static final int MAX_HEAD_BYTES = 16 * 1024;

    private enum State
    {
        HEAD, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, UNTIL_CLOSE, DONE
    }

    private final Listener listener;
    private final byte[] head = new byte[MAX_HEAD_BYTES];
    private int headLength;
    private State state = State.HEAD;
    private long chunkRemaining;
    private boolean chunkExtension;
    private int chunkSizeDigits;
    private int chunkEndSeen;

    RawHttpResponse(final Listener listener)
    {
        this.listener = listener;
    }

    /** @return {@code true} once a chunked body has ended (its last, empty chunk arrived). */
    boolean finished()
    {
        return state == State.DONE;
    }

    /**
     * Consumes every readable byte of {@code buf} (the reader index is left as is).
     *
     * @throws IllegalStateException on a malformed head or chunk framing, with what was wrong.
     */
    void feed(final ByteBuf buf)
    {
        int at = buf.readerIndex();
        final int end = buf.writerIndex();
        while (at < end)
        {
            switch (state)
            {
                case HEAD -> at = head(buf, at, end);
                case CHUNK_SIZE -> at = chunkSize(buf, at, end);
                case CHUNK_DATA ->
                {
                    final int to = (int)Math.min(end, at + chunkRemaining);
                    listener.body(buf, at, to);
                    chunkRemaining -= to - at;
                    at = to;
                    if (chunkRemaining == 0)
                    {
                        state = State.CHUNK_END;
                        chunkEndSeen = 0;
                    }
                }
                case CHUNK_END -> at = chunkEnd(buf, at, end);
                case UNTIL_CLOSE ->
                {
                    listener.body(buf, at, end);
                    at = end;
                }
                case DONE -> at = end; // trailers and anything after the last chunk are ignored
            }
        }
    }

    private int head(final ByteBuf buf, final int from, final int end)
    {
        int at = from;
        while (at < end)
        {
            if (headLength == MAX_HEAD_BYTES)
            {
                throw new IllegalStateException("response head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            head[headLength++] = buf.getByte(at++);
            if (headLength >= 4 && head[headLength - 1] == '\n' && head[headLength - 2] == '\r' &&
                head[headLength - 3] == '\n' && head[headLength - 4] == '\r')
            {
                headEnded();
                return at;
            }
        }
        return at;
    }

    private void headEnded()
    {
        final String text = new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
        final String[] lines = text.split("\r\n");
        final String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.") || statusLine[1].length() != 3)
        {
            throw new IllegalStateException("not an HTTP/1.x status line: '" + lines[0] + "'");
        }
        final int code;
        try
        {
            code = Integer.parseInt(statusLine[1]);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalStateException("not an HTTP/1.x status line: '" + lines[0] + "'");
        }
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++)
        {
            final String line = lines[i].toLowerCase(Locale.ROOT);
            if (line.startsWith("transfer-encoding:") && line.contains("chunked"))
            {
                chunked = true;
            }
        }
        state = chunked ? State.CHUNK_SIZE : State.UNTIL_CLOSE;
        chunkRemaining = 0;
        chunkSizeDigits = 0;
        chunkExtension = false;
        listener.status(code);
    }

    /** {@code <hex size>[;extension]\r\n}: a size of 0 ends the body. */
    private int chunkSize(final ByteBuf buf, final int from, final int end)
    {
        int at = from;
        while (at < end)
        {
            final byte b = buf.getByte(at++);
            if (b == '\n')
            {
                if (chunkSizeDigits == 0)
                {
                    throw new IllegalStateException("chunk size line without a size");
                }
                state = chunkRemaining == 0 ? State.DONE : State.CHUNK_DATA;
                chunkSizeDigits = 0;
                chunkExtension = false;
                return at;
            }
            if (chunkExtension || b == '\r')
            {
                continue;
            }
            if (b == ';')
            {
                chunkExtension = true;
                continue;
            }
            final int digit = Character.digit(b, 16);
            if (digit < 0 || ++chunkSizeDigits > 15)
            {
                throw new IllegalStateException("bad chunk size byte 0x" + Integer.toHexString(b & 0xFF));
            }
            chunkRemaining = chunkRemaining << 4 | digit;
        }
        return at;
    }

    /** The {@code \r\n} after a chunk's data. */
    private int chunkEnd(final ByteBuf buf, final int from, final int end)
    {
        int at = from;
        while (at < end && chunkEndSeen < 2)
        {
            final byte expected = chunkEndSeen == 0 ? (byte)'\r' : (byte)'\n';
            if (buf.getByte(at++) != expected)
            {
                throw new IllegalStateException("chunk data not followed by CRLF");
            }
            chunkEndSeen++;
        }
        if (chunkEndSeen == 2)
        {
            state = State.CHUNK_SIZE;
        }
        return at;
    }
}
