package io.ringcast.bench.load;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * Parses the HTTP/1.1 responses of one keep-alive connection straight from the socket's bytes, in order: status
 * line, headers (only {@code Content-Length} is read), then a body of that length, skipped (its first bytes are
 * kept for a non-2xx answer, to report what the server said). Every response must have a {@code Content-Length}
 * (both servers' publish answers do); one without is a protocol error. Allocates nothing for a 2xx answer.
 *
 * <p>Not thread-safe: one instance per connection, fed on its event loop.
 */
final class KeepAliveResponses
{
    /** Receives each complete response, on the feeding thread. */
    interface Listener
    {
        /**
         * @param code      the status code.
         * @param errorBody for a status outside 2xx, the start of the body as text; otherwise {@code null}.
         */
        void response(int code, String errorBody);
    }

    /** Longest header line accepted; longer is a protocol error. */
    static final int MAX_LINE_BYTES = 8 * 1024;
    private static final int ERROR_BODY_BYTES = 200;
    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);

    private final Listener listener;
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private final byte[] errorBody = new byte[ERROR_BODY_BYTES];
    private byte[] chunk = new byte[16 * 1024];
    private int lineLength;
    private boolean statusSeen;
    private int code;
    private long contentLength;
    private long bodyRemaining = -1;
    private int errorBodyLength;

    KeepAliveResponses(final Listener listener)
    {
        this.listener = listener;
    }

    /**
     * Consumes every readable byte of {@code buf} (the reader index is left as is).
     *
     * @throws IllegalStateException on a malformed head or a response without a {@code Content-Length}.
     */
    void feed(final ByteBuf buf)
    {
        final int n = buf.readableBytes();
        if (chunk.length < n)
        {
            chunk = new byte[Math.max(n, chunk.length * 2)];
        }
        buf.getBytes(buf.readerIndex(), chunk, 0, n); // one bulk copy: getByte per byte checks bounds and refCnt
        int at = 0;
        while (at < n)
        {
            if (bodyRemaining >= 0)
            {
                final int take = (int)Math.min(bodyRemaining, n - at);
                if (code / 100 != 2)
                {
                    final int keep = Math.min(take, ERROR_BODY_BYTES - errorBodyLength);
                    System.arraycopy(chunk, at, errorBody, errorBodyLength, keep);
                    errorBodyLength += keep;
                }
                at += take;
                bodyRemaining -= take;
                if (bodyRemaining == 0)
                {
                    complete();
                }
                continue;
            }
            final byte b = chunk[at++];
            if (b != '\n')
            {
                if (lineLength == MAX_LINE_BYTES)
                {
                    throw new IllegalStateException("response header line longer than " + MAX_LINE_BYTES + " bytes");
                }
                line[lineLength++] = b;
                continue;
            }
            if (lineLength > 0 && line[lineLength - 1] == '\r')
            {
                lineLength--;
            }
            headLine();
            lineLength = 0;
        }
    }

    private void headLine()
    {
        if (!statusSeen)
        {
            // HTTP/1.1 202 Accepted
            if (lineLength < 12 || line[0] != 'H' || line[8] != ' ' || !digit(line[9]) || !digit(line[10]) ||
                !digit(line[11]))
            {
                throw new IllegalStateException("not an HTTP/1.x status line: '" +
                    new String(line, 0, lineLength, StandardCharsets.ISO_8859_1) + "'");
            }
            code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
            statusSeen = true;
            contentLength = -1;
            return;
        }
        if (lineLength == 0)
        {
            if (contentLength < 0)
            {
                throw new IllegalStateException("a response without Content-Length (status " + code + ")");
            }
            bodyRemaining = contentLength;
            errorBodyLength = 0;
            if (bodyRemaining == 0)
            {
                complete();
            }
            return;
        }
        if (lineLength > CONTENT_LENGTH.length && startsWithIgnoreCase(CONTENT_LENGTH))
        {
            long value = 0;
            for (int i = CONTENT_LENGTH.length; i < lineLength; i++)
            {
                if (digit(line[i]))
                {
                    value = value * 10 + (line[i] - '0');
                }
                else if (line[i] != ' ')
                {
                    throw new IllegalStateException("bad Content-Length header");
                }
            }
            contentLength = value;
        }
    }

    private void complete()
    {
        bodyRemaining = -1;
        statusSeen = false;
        listener.response(code, code / 100 == 2 ? null :
            new String(errorBody, 0, errorBodyLength, StandardCharsets.UTF_8));
    }

    private boolean startsWithIgnoreCase(final byte[] lowerPrefix)
    {
        for (int i = 0; i < lowerPrefix.length; i++)
        {
            final byte b = line[i];
            if ((b >= 'A' && b <= 'Z' ? (byte)(b + 32) : b) != lowerPrefix[i])
            {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(final byte b)
    {
        return b >= '0' && b <= '9';
    }
}
