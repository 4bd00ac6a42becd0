package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runnable server with its journal, killed with SIGKILL again and again while two clients publish: one with
 * {@code ack=durable} NDJSON batches, one with the same batches and the default memory acknowledgement. After the last
 * kill a fresh server reads the whole journal through a named consumer and the test checks what README's table
 * promises: every event acknowledged as durable is there, nothing is there twice, and each publisher's events of a
 * run form an unbroken prefix of what it sent (a kill cuts the tail, never a hole). It prints how many memory
 * acknowledgements each kill lost: the window a {@code 202} without {@code ack=durable} does not survive.
 */
@Timeout(180)
class KillNineTest
{
    private static final int KILLS = 4;
    private static final int BATCH = 20;

    @Test
    void shouldKeepEveryDurablyAcknowledgedEventAcrossRepeatedKillNine() throws Exception
    {
        final Path data = Files.createDirectories(ShadedJarTest.logDir().resolve("kill-nine-data-" + System.nanoTime()));
        final Random random = new Random(9);
        final List<Run> runs = new ArrayList<>();
        for (int kill = 0; kill < KILLS; kill++)
        {
            final Run run = new Run("r" + kill);
            runs.add(run);
            final Server server = startServer(data, "kill-nine-" + kill + ".log");
            try (Api api = new Api(server.port))
            {
                final AtomicBoolean stop = new AtomicBoolean();
                final Thread durable = new Thread(() -> publish(api, run, "d", "/publish?ack=durable", stop),
                    "durable-publisher");
                final Thread memory = new Thread(() -> publish(api, run, "m", "/publish", stop), "memory-publisher");
                durable.start();
                memory.start();
                Await.until(Duration.ofSeconds(30), "both publishers acknowledged events",
                    () -> run.durableAcked >= 5 * BATCH && run.memoryAcked >= 5 * BATCH);
                Thread.sleep(random.nextInt(400)); // a random moment of the write stream, not a wait for a condition
                server.process.destroyForcibly(); // SIGKILL
                assertTrue(server.process.waitFor(20, TimeUnit.SECONDS), "the killed server exited");
                stop.set(true);
                durable.join(30_000);
                memory.join(30_000);
            }
        }

        final Server reader = startServer(data, "kill-nine-read.log");
        try (Api api = new Api(reader.port))
        {
            final SseStream stream = api.stream("/events?consumer=audit&topic=kill/*");
            assertEquals(200, stream.status(), "the audit consumer's stream opens");
            api.publish("kill/end", "{\"end\":true}"); // after the replay of the journal, on the live stream
            Await.until(Duration.ofSeconds(60), "the journal read back to its end", () ->
                stream.frames().stream().anyMatch(f -> f.data().contains("\"end\"")));
            final Map<String, TreeSet<Integer>> seen = new HashMap<>();
            final List<String> duplicates = new ArrayList<>();
            for (final SseFrame frame : stream.frames())
            {
                final String run = Api.jsonField(frame.data(), "run");
                if (run != null && !seen.computeIfAbsent(run + "/" + Api.jsonField(frame.data(), "kind"),
                    k -> new TreeSet<>()).add(Integer.parseInt(Api.jsonField(frame.data(), "seq"))))
                {
                    duplicates.add(frame.data());
                }
            }
            assertTrue(duplicates.isEmpty(), "no event twice: " + duplicates);
            final StringBuilder window = new StringBuilder();
            for (final Run run : runs)
            {
                final TreeSet<Integer> durable = seen.getOrDefault(run.name + "/d", new TreeSet<>());
                final TreeSet<Integer> memory = seen.getOrDefault(run.name + "/m", new TreeSet<>());
                assertPrefix(run.name + " durable", durable);
                assertPrefix(run.name + " memory", memory);
                assertTrue(durable.size() >= run.durableAcked, run.name + ": " + run.durableAcked +
                    " events acknowledged as durable, " + durable.size() + " in the journal");
                window.append(String.format("%s: memory acks %d, in the journal %d, lost %d; durable acks %d, kept %d%n",
                    run.name, run.memoryAcked, memory.size(), Math.max(0, run.memoryAcked - memory.size()),
                    run.durableAcked, durable.size()));
            }
            System.out.println("kill -9, what each run's acknowledgements kept:\n" + window);
        }
        finally
        {
            reader.process.destroyForcibly();
        }
    }

    /** A run's events of one publisher, read back in id order, are 0, 1, 2, … with no hole. */
    private static void assertPrefix(final String what, final TreeSet<Integer> seqs)
    {
        if (!seqs.isEmpty())
        {
            assertEquals(0, seqs.first(), what + " starts at its first event");
            assertEquals(seqs.size() - 1, seqs.last(), what + " has no hole: " + seqs.size() + " events up to " +
                seqs.last());
        }
    }

    /** Publishes NDJSON batches of {@link #BATCH} events until the server dies or {@code stop}; counts the acks. */
    private static void publish(final Api api, final Run run, final String kind, final String path,
        final AtomicBoolean stop)
    {
        int seq = 0;
        while (!stop.get())
        {
            final StringBuilder body = new StringBuilder();
            for (int k = 0; k < BATCH; k++)
            {
                body.append(Api.eventJson("kill/" + kind, null, payload(run.name, kind, seq + k), null)).append('\n');
            }
            try
            {
                if (api.post(path, "application/x-ndjson", body.toString()).status() != 202)
                {
                    return;
                }
            }
            catch (final RuntimeException killed)
            {
                return;
            }
            seq += BATCH;
            run.acked(kind, seq);
        }
    }

    private static String payload(final String run, final String kind, final int seq)
    {
        return "{\"run\":\"" + run + "\",\"kind\":\"" + kind + "\",\"seq\":\"" + seq + "\"}";
    }

    private static Server startServer(final Path data, final String logName) throws IOException
    {
        final int port = ShadedJarTest.freePort();
        final Path log = ShadedJarTest.logDir().resolve(logName);
        final ProcessBuilder builder = new ProcessBuilder(ShadedJarTest.javaCommand("--bind", "127.0.0.1",
            "--port", Integer.toString(port), "--data-dir", data.toAbsolutePath().toString(),
            "--consumers", "audit:beginning"))
            .redirectErrorStream(true).redirectOutput(log.toFile());
        final Server process = new Server(builder.start(), port);
        try (Api api = new Api(port))
        {
            Await.until(Duration.ofSeconds(30), "the server process to answer /healthz", () ->
            {
                assertTrue(process.process.isAlive(), "the server process is running; see " + log);
                try
                {
                    return api.get("/healthz").status() == 200;
                }
                catch (final RuntimeException ex)
                {
                    return false;
                }
            });
        }
        return process;
    }

    private record Server(Process process, int port)
    {
    }

    /** One server run: what each publisher sent and had acknowledged (written by its thread, read after join). */
    private static final class Run
    {
        final String name;
        volatile int durableAcked;
        volatile int memoryAcked;

        Run(final String name)
        {
            this.name = name;
        }

        void acked(final String kind, final int count)
        {
            if (kind.equals("d"))
            {
                durableAcked = count;
            }
            else
            {
                memoryAcked = count;
            }
        }
    }
}
