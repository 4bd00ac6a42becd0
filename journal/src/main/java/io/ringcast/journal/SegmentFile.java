package io.ringcast.journal;

import java.nio.file.Path;

/**
 * One segment on disk. {@code bytes} and {@code newestTimestampMs} are written by the writer thread and read by
 * others for retention and metrics (volatile).
 */
final class SegmentFile
{
    final long firstId;
    final Path path;
    volatile long bytes;
    volatile long newestTimestampMs;

    SegmentFile(final long firstId, final Path path, final long bytes, final long newestTimestampMs)
    {
        this.firstId = firstId;
        this.path = path;
        this.bytes = bytes;
        this.newestTimestampMs = newestTimestampMs;
    }
}
