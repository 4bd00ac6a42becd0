package io.ringcast.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The resident memory of a process and of its child processes (nginx's workers) from {@code /proc/<pid>/status}:
 * {@code VmRSS} with its anonymous and file-backed shares, and {@code VmHWM}, the highest {@code VmRSS} each process
 * reached. Shared memory that a master and its workers both touched is counted in each of them, as {@code ps} shows
 * it.
 *
 * <p>Threads: stateless; any thread.
 */
final class ServerMemory
{
    private final long rssKb;
    private final long anonKb;
    private final long fileKb;
    private final long peakKb;

    private ServerMemory(final long rssKb, final long anonKb, final long fileKb, final long peakKb)
    {
        this.rssKb = rssKb;
        this.anonKb = anonKb;
        this.fileKb = fileKb;
        this.peakKb = peakKb;
    }

    /** @return the process {@code pid} and its children now, or {@code null} where /proc cannot tell (another OS). */
    static ServerMemory of(final long pid)
    {
        final long[] sum = new long[4];
        final List<String> tree = ProcessTree.of(pid);
        if (!add(tree.get(0), sum))
        {
            return null; // the server itself has no status: not Linux, or it ended
        }
        for (final String child : tree.subList(1, tree.size()))
        {
            add(child, sum); // a child that ended meanwhile adds nothing
        }
        return new ServerMemory(sum[0], sum[1], sum[2], sum[3]);
    }

    /** @return e.g. {@code 162 MB (anon 139, file 23; peak 170)}. */
    String describe()
    {
        return String.format(Locale.ROOT, "%d MB (anon %d, file %d; peak %d)", rssKb / 1024, anonKb / 1024,
            fileKb / 1024, peakKb / 1024);
    }

    private static boolean add(final String process, final long[] sum)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", process, "status")))
            {
                final int field = line.startsWith("VmRSS:") ? 0 : line.startsWith("RssAnon:") ? 1 :
                    line.startsWith("RssFile:") ? 2 : line.startsWith("VmHWM:") ? 3 : -1;
                if (field >= 0)
                {
                    sum[field] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim().split(" ")[0]);
                }
            }
            return true;
        }
        catch (final IOException | RuntimeException e)
        {
            return false;
        }
    }
}
