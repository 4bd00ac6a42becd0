package io.ringcast.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads the valid records of one segment in order, through a buffer, verifying each record's checksum. It stops at
 * the end of the file or at the first invalid record; {@link #stoppedAtInvalid()} tells which.
 *
 * <p>Thread-safety: one thread at a time.
 */
final class SegmentReader
{
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer;
    private FileChannel channel;
    private long fileSize;
    /** File offset of buffer[0]. */
    private long bufferOffset;
    private long recordOffset;
    private int bodyOffset;
    private int bodyLength;
    private boolean invalid;

    SegmentReader(final int bufferBytes)
    {
        this.buffer = ByteBuffer.allocate(bufferBytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Starts reading {@code channel} after its header; the file must not shrink while it is read. */
    void open(final FileChannel channel) throws IOException
    {
        open(channel, SegmentFormat.HEADER_BYTES, channel.size());
    }

    /** Starts reading {@code channel} at the record at {@code offset}, up to {@code limit} bytes of the file. */
    void open(final FileChannel channel, final long offset, final long limit) throws IOException
    {
        this.channel = channel;
        this.fileSize = Math.min(limit, channel.size());
        this.bufferOffset = offset;
        this.recordOffset = offset;
        this.invalid = false;
        buffer.clear().limit(0);
    }

    /**
     * Advances to the next valid record.
     *
     * @return {@code true} when one was found; its body is {@link #body()} from {@link #bodyOffset()} for
     *         {@link #bodyLength()} bytes, valid until the next call.
     */
    boolean next() throws IOException
    {
        if (invalid)
        {
            return false;
        }
        if (!ensure(recordOffset, SegmentFormat.FRAME_BYTES))
        {
            return endOrTorn(recordOffset);
        }
        final int start = (int)(recordOffset - bufferOffset);
        final int length = buffer.getInt(start);
        final int expectedCrc = buffer.getInt(start + 4);
        if (length < SegmentFormat.MIN_BODY || length > SegmentFormat.MAX_BODY ||
            recordOffset + SegmentFormat.FRAME_BYTES + length > fileSize)
        {
            invalid = true;
            return false;
        }
        if (!ensure(recordOffset, SegmentFormat.FRAME_BYTES + length))
        {
            invalid = true;
            return false;
        }
        final int body = (int)(recordOffset - bufferOffset) + SegmentFormat.FRAME_BYTES;
        crc.reset();
        crc.update(buffer.array(), body, length);
        if ((int)crc.getValue() != expectedCrc)
        {
            invalid = true;
            return false;
        }
        bodyOffset = body;
        bodyLength = length;
        recordOffset += SegmentFormat.FRAME_BYTES + length;
        return true;
    }

    ByteBuffer body()
    {
        return buffer;
    }

    int bodyOffset()
    {
        return bodyOffset;
    }

    int bodyLength()
    {
        return bodyLength;
    }

    /** @return the file offset just after the last valid record returned (where a torn tail starts). */
    long validEnd()
    {
        return recordOffset;
    }

    /** @return {@code true} when reading stopped at an invalid record rather than at the end of the file. */
    boolean stoppedAtInvalid()
    {
        return invalid;
    }

    private boolean endOrTorn(final long offset)
    {
        if (offset < fileSize)
        {
            invalid = true; // a few bytes of a frame: a torn tail
        }
        return false;
    }

    /** Makes file bytes {@code [offset, offset + length)} available in the buffer; false at end of file. */
    private boolean ensure(final long offset, final int length) throws IOException
    {
        if (offset >= bufferOffset && offset + length <= bufferOffset + buffer.limit())
        {
            return true;
        }
        if (offset + length > fileSize)
        {
            return false;
        }
        if (length > buffer.capacity())
        {
            buffer = ByteBuffer.allocate(Integer.highestOneBit(length) << 1).order(ByteOrder.LITTLE_ENDIAN);
        }
        buffer.clear();
        long position = offset;
        while (buffer.hasRemaining() && position < fileSize)
        {
            final int read = channel.read(buffer, position);
            if (read < 0)
            {
                break;
            }
            position += read;
        }
        buffer.flip();
        bufferOffset = offset;
        return buffer.limit() >= length;
    }
}
