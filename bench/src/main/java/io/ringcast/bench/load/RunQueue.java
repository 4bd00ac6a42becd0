package io.ringcast.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How long a process's threads waited for a CPU: the second field of {@code /proc/<pid>/task/<tid>/schedstat}, the
 * time each thread spent runnable on a run queue but not running (Linux, {@code CONFIG_SCHED_INFO}), summed over the
 * threads alive at the time of the call. Load tool and server share the machine's cores; this is how much each was
 * held back by the other (and by everything else) between two calls. Per thread name, also the other two fields:
 * time on a CPU and timeslices run ({@link #addByThreadName}).
 *
 * <p>Threads: stateless; any thread.
 */
final class RunQueue
{
    /** The fields of {@code schedstat}: time on a CPU (ns), time waiting on a run queue (ns), timeslices run. */
    static final int CPU_NS = 0;
    static final int WAIT_NS = 1;
    static final int TIMESLICES = 2;

    private RunQueue()
    {
    }

    /**
     * @param pid a process id, or {@code "self"}.
     * @return nanoseconds its threads spent waiting on a run queue since they started, or -1 where /proc has no
     *         schedstat (another OS, or a kernel without it).
     */
    static long waitNs(final String pid)
    {
        long total = 0;
        boolean any = false;
        try (Stream<Path> tasks = Files.list(Path.of("/proc", pid, "task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                final long wait = taskWaitNs(task.resolve("schedstat"));
                if (wait >= 0)
                {
                    total += wait;
                    any = true;
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            return -1;
        }
        return any ? total : -1;
    }

    /**
     * Adds each thread's run-queue wait so far into {@code byName}, keyed by the thread's name ({@code comm}, digits
     * folded to {@code #} so that a pool's threads add up: {@code GC Thread#0} and {@code GC Thread#1} are one key).
     *
     * @param pid a process id.
     */
    static void addWaitNsByThreadName(final String pid, final Map<String, Long> byName)
    {
        addByThreadName(pid, WAIT_NS, byName);
    }

    /**
     * As {@link #addWaitNsByThreadName}, for any of the three {@code schedstat} fields.
     *
     * @param field {@link #CPU_NS}, {@link #WAIT_NS} or {@link #TIMESLICES}.
     */
    static void addByThreadName(final String pid, final int field, final Map<String, Long> byName)
    {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", pid, "task")))
        {
            for (final Path task : (Iterable<Path>)tasks::iterator)
            {
                final long value = taskField(task.resolve("schedstat"), field);
                if (value >= 0)
                {
                    byName.merge(threadName(task), value, Long::sum);
                }
            }
        }
        catch (final IOException | RuntimeException e)
        {
            // the process ended, or no /proc: nothing added
        }
    }

    private static String threadName(final Path task)
    {
        try
        {
            return Files.readString(task.resolve("comm")).trim().replaceAll("[0-9]+", "#");
        }
        catch (final IOException | RuntimeException e)
        {
            return "?";
        }
    }

    private static long taskWaitNs(final Path schedstat)
    {
        return taskField(schedstat, WAIT_NS);
    }

    private static long taskField(final Path schedstat, final int field)
    {
        try
        {
            final String[] fields = Files.readString(schedstat).trim().split(" ");
            return Long.parseLong(fields[field]);
        }
        catch (final IOException | RuntimeException e)
        {
            return -1; // the thread ended meanwhile
        }
    }
}
