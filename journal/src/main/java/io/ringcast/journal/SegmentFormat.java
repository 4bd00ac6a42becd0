package io.ringcast.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The segment file format. A segment is named after the id of its first record ({@code 00000001733450123456789.seg},
 * zero-padded so names sort as ids) and holds a 16-byte header followed by records:
 *
 * <pre>
 *   header: int magic 'RCJ1' | int version (1) | long firstId | long firstPosition
 *   record: int bodyLength | int crc32c(body) | body (see RecordCodec)
 * </pre>
 *
 * All little-endian. A record's <em>position</em> is its ordinal in the whole journal (0, 1, 2, … across segments and
 * restarts): the header holds the position of the segment's first record, so positions need no per-record storage. A record is valid when its length lies in {@code [MIN_BODY, MAX_BODY]}, the whole record lies
 * inside the file, and the CRC-32C of its body matches; the first invalid record ends what is readable in a segment
 * (a torn tail after a crash, or corruption). Stateless, thread-safe.
 */
final class SegmentFormat
{
    static final int MAGIC = 0x314A4352; // "RCJ1" little-endian
    static final int VERSION = 1;
    static final int HEADER_BYTES = 24;
    static final int FRAME_BYTES = 8;
    /** The smallest possible body: fixed fields, four null-or-empty strings, no attributes, empty payload. */
    static final int MIN_BODY = 8 + 8 + 8 + 1 + 4 * 2 + 1 + 4;
    /** The largest body a segment accepts. */
    static final int MAX_BODY = 64 << 20;
    static final String SUFFIX = ".seg";

    private SegmentFormat()
    {
    }

    static String fileName(final long firstId)
    {
        return String.format("%020d%s", firstId, SUFFIX);
    }

    /** @return the first id a segment file name says, or -1 when the name is not a segment's. */
    static long firstIdOf(final Path file)
    {
        final String name = file.getFileName().toString();
        if (name.length() != 20 + SUFFIX.length() || !name.endsWith(SUFFIX))
        {
            return -1;
        }
        long id = 0;
        for (int i = 0; i < 20; i++)
        {
            final char c = name.charAt(i);
            if (c < '0' || c > '9')
            {
                return -1;
            }
            id = id * 10 + (c - '0');
        }
        return id;
    }

    static ByteBuffer header(final long firstId, final long firstPosition)
    {
        final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC).putInt(VERSION).putLong(firstId).putLong(firstPosition).flip();
        return header;
    }

    /** @return the position of the segment's first record, or -1 when the header is not valid for {@code firstId}. */
    static long firstPosition(final FileChannel channel, final long firstId) throws IOException
    {
        if (channel.size() < HEADER_BYTES)
        {
            return -1;
        }
        final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        while (header.hasRemaining())
        {
            if (channel.read(header, header.position()) < 0)
            {
                return -1;
            }
        }
        header.flip();
        if (header.getInt() != MAGIC || header.getInt() != VERSION || header.getLong() != firstId)
        {
            return -1;
        }
        final long position = header.getLong();
        return position < 0 ? -1 : position;
    }

    /** @return {@code true} when {@code channel} starts with a header for {@code firstId}. */
    static boolean hasValidHeader(final FileChannel channel, final long firstId) throws IOException
    {
        return firstPosition(channel, firstId) >= 0;
    }
}
