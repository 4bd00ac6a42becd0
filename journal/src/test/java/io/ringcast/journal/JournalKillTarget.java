package io.ringcast.journal;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Message;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A process that publishes through an engine with a journal until it is killed: payloads {@code "<run>:<n>"} in
 * batches of 100; after each batch it waits until the batch is synced and prints {@code ACK <n>} for its last event.
 */
public final class JournalKillTarget
{
    private JournalKillTarget()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[0]);
        final String run = args[1];
        final PrintStream out = System.out;
        final Journal journal = Journal.open(new JournalConfig().directory(dir).segmentBytes(256 << 10));
        final EngineConfig config = new EngineConfig().historyMaxEvents(16);
        journal.configure(config);
        final Engine engine = Engine.start(config);
        out.println("READY " + journal.recoveredLastId());
        out.flush();
        for (long n = 0; ; )
        {
            long last = 0;
            for (int i = 0; i < 100; i++, n++)
            {
                last = engine.publish(Message.builder("t").payload(run + ":" + n).build());
            }
            if (!journal.awaitDurable(last, 10, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("not durable within 10 s");
            }
            out.println("ACK " + (n - 1));
            out.flush();
        }
    }
}
