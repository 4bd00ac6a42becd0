package io.ringcast.journal;

import io.ringcast.engine.spi.DurableStore;
import io.ringcast.engine.spi.DurableStoreProvider;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * Registers the {@link Journal} as the {@link DurableStoreProvider} a transport finds through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/io.ringcast.engine.spi.DurableStoreProvider}). Stateless
 * and thread-safe.
 */
public final class JournalStoreProvider implements DurableStoreProvider
{
    @Override
    public String name()
    {
        return "journal";
    }

    @Override
    public void checkSeek(final String seek)
    {
        Seek.parse(seek);
    }

    /** Opens the journal, then its named consumers in the settings' order; closes it again if one cannot open. */
    @Override
    public DurableStore open(final Settings settings) throws IOException
    {
        final Journal journal = Journal.open(new JournalConfig()
            .directory(settings.directory())
            .retentionBytes(settings.retentionBytes())
            .retention(Duration.ofMillis(settings.retentionMs()))
            .writeInterval(Duration.ofMillis(settings.writeIntervalMs()))
            .syncInterval(Duration.ofMillis(settings.syncIntervalMs()))
            .bufferBytes(JournalConfig.bufferBytesFor(settings.maxEventBytes())));
        try
        {
            for (final Map.Entry<String, String> c : settings.consumers().entrySet())
            {
                journal.consumer(c.getKey(), Seek.parse(c.getValue()));
            }
            return journal;
        }
        catch (final IOException | RuntimeException e)
        {
            journal.close();
            throw e;
        }
    }
}
