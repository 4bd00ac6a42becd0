package io.ringcast.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A server process and its child processes (nginx's master and its workers), found in {@code /proc}: what the load
 * tool sums the server's CPU, run-queue wait and resident memory over.
 *
 * <p>Threads: stateless; any thread.
 */
final class ProcessTree
{
    private ProcessTree()
    {
    }

    /**
     * @param pid a process id.
     * @return {@code pid} first, then its child processes alive now; only {@code pid} where {@code /proc} cannot be
     *         listed (another OS).
     */
    static List<String> of(final long pid)
    {
        final String parent = Long.toString(pid);
        final List<String> tree = new ArrayList<>();
        tree.add(parent);
        try (Stream<Path> procs = Files.list(Path.of("/proc")))
        {
            for (final Path proc : (Iterable<Path>)procs::iterator)
            {
                final String name = proc.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit))
                {
                    final String[] fields = statFields(name);
                    if (fields != null && fields[1].equals(parent))
                    {
                        tree.add(name);
                    }
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            return tree;
        }
        return tree;
    }

    /**
     * @param pid a process id.
     * @return the fields of {@code /proc/<pid>/stat} after {@code "pid (comm) "}: [0] state, [1] parent pid, ...,
     *         [11] user time, [12] system time (clock ticks); {@code null} when the process has ended.
     */
    static String[] statFields(final String pid)
    {
        try
        {
            final String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        }
        catch (final IOException | RuntimeException e)
        {
            return null;
        }
    }
}
