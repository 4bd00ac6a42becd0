package io.ringcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Scratch list of frames gathered by one drain before they are copied into a single buffer. One instance per event
 * loop thread ({@link #current()}), reused by every stream on that loop; not thread-safe.
 */
final class FrameBatch
{
    private static final FastThreadLocal<FrameBatch> LOCAL = new FastThreadLocal<>()
    {
        @Override
        protected FrameBatch initialValue()
        {
            return new FrameBatch();
        }
    };

    private byte[][] frames = new byte[256][];
    private int count;
    private int bytes;

    /** @return the calling thread's batch, empty. */
    static FrameBatch current()
    {
        return LOCAL.get();
    }

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
