package io.ringcast.journal;

import io.ringcast.engine.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills a process that is writing through the journal with SIGKILL, again and again, at random moments, and checks
 * after every restart that each record it acknowledged as durable is there, that every run's records form an
 * unbroken prefix (every complete record is kept, a torn one is cut), and that nothing appears twice.
 */
class JournalKillTest
{
    private static final int KILLS = 8;

    @TempDir
    Path dir;

    @Test
    void shouldKeepEveryAcknowledgedRecordAcrossRepeatedKillNine() throws Exception
    {
        final Random random = new Random(17);
        final Map<String, Long> ackedByRun = new HashMap<>();
        for (int run = 0; run < KILLS; run++)
        {
            final String name = "r" + run;
            final Process process = new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-Xmx256m",
                "-cp", System.getProperty("java.class.path"),
                JournalKillTarget.class.getName(), dir.toString(), name)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
            try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII)))
            {
                final int acksBeforeKill = 3 + random.nextInt(40);
                int acks = 0;
                String line;
                while ((line = out.readLine()) != null)
                {
                    if (line.startsWith("ACK "))
                    {
                        ackedByRun.put(name, Long.parseLong(line.substring(4)));
                        if (++acks == acksBeforeKill)
                        {
                            process.destroyForcibly(); // SIGKILL
                            break;
                        }
                    }
                }
            }
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed process exits").isTrue();
            assertThat(ackedByRun).as("run " + name + " acknowledged something").containsKey(name);
            check(ackedByRun);
        }
    }

    private void check(final Map<String, Long> ackedByRun) throws Exception
    {
        try (Journal journal = Journal.open(new JournalConfig().directory(dir).segmentBytes(256 << 10)))
        {
            final List<Event> all = new ArrayList<>();
            journal.log().replay(-1, Long.MAX_VALUE, all::add);
            final Set<String> seen = new HashSet<>();
            final Map<String, Long> nextByRun = new HashMap<>();
            long previousId = -1;
            for (final Event e : all)
            {
                assertThat(e.id()).isGreaterThan(previousId);
                previousId = e.id();
                final String payload = e.payloadAsString();
                assertThat(seen.add(payload)).as("duplicate " + payload).isTrue();
                final String run = payload.substring(0, payload.indexOf(':'));
                final long n = Long.parseLong(payload.substring(payload.indexOf(':') + 1));
                assertThat(n).as("run " + run + " has no hole").isEqualTo(nextByRun.getOrDefault(run, 0L));
                nextByRun.put(run, n + 1);
            }
            for (final Map.Entry<String, Long> acked : ackedByRun.entrySet())
            {
                assertThat(nextByRun.getOrDefault(acked.getKey(), 0L) - 1)
                    .as("run " + acked.getKey() + " kept its acknowledged records")
                    .isGreaterThanOrEqualTo(acked.getValue());
            }
        }
    }
}
