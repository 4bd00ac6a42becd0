package io.ringcast.sse;

import io.netty.buffer.ByteBuf;

/**
 * Scratch list of frames gathered by one drain before they are copied into a single buffer. One instance per event
 * loop ({@link ReadyStreams#batch()}), reused by every stream on that loop; not thread-safe.
 */
final class FrameBatch
{
    private byte[][] frames = new byte[256][];
    private int count;
    private int bytes;

    void add(final byte[] frame)
    {
        if (count == frames.length)
        {
            frames = java.util.Arrays.copyOf(frames, count * 2);
        }
        frames[count++] = frame;
        bytes += frame.length;
    }

    int count()
    {
        return count;
    }

    int bytes()
    {
        return bytes;
    }

    /** Copies the frames into {@code out} in order and empties the batch. */
    void moveTo(final ByteBuf out)
    {
        for (int i = 0; i < count; i++)
        {
            out.writeBytes(frames[i]);
            frames[i] = null;
        }
        count = 0;
        bytes = 0;
    }

    void clear()
    {
        java.util.Arrays.fill(frames, 0, count, null);
        count = 0;
        bytes = 0;
    }
}
