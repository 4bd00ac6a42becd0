package io.ringcast.sse;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.ringcast.test.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadyStreamsTest
{
    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop()
    {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private ReadyStreams readyStreams() throws Exception
    {
        return CompletableFuture.supplyAsync(() -> ReadyStreams.of(loop), loop).get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldRunEveryWokenStreamAfterItsLastWakeUpWhateverTheThreadsThatWakeIt() throws Exception
    {
        final ReadyStreams ready = readyStreams();
        final int streams = 64;
        final int rounds = 20_000;
        // each stream records the last wake-up sequence number it has seen run; a wake-up must never be left waiting
        final AtomicLongArray woken = new AtomicLongArray(streams);
        final AtomicLongArray seen = new AtomicLongArray(streams);
        final Runnable[] stream = new Runnable[streams];
        for (int i = 0; i < streams; i++)
        {
            final int s = i;
            stream[i] = () -> seen.set(s, woken.get(s));
        }
        final AtomicLong sequence = new AtomicLong();
        final CountDownLatch done = new CountDownLatch(2);
        for (int t = 0; t < 2; t++)
        {
            final int offset = t;
            new Thread(() ->
            {
                for (int r = 0; r < rounds; r++)
                {
                    final int s = (r * 2 + offset) % streams;
                    woken.set(s, sequence.incrementAndGet());
                    ready.wake(stream[s]);
                }
                done.countDown();
            }).start();
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        for (int i = 0; i < streams; i++)
        {
            final int s = i;
            Await.until(Duration.ofSeconds(10), "stream " + s + " runs after its last wake-up",
                () -> seen.get(s) == woken.get(s));
        }
    }

    @Test
    void shouldDrainAPassOfWakeUpsWithOneTaskAndFallBackToATaskPerStreamWhenFull() throws Exception
    {
        final ReadyStreams ready = readyStreams();
        final AtomicInteger runs = new AtomicInteger();
        final CountDownLatch hold = new CountDownLatch(1);
        final CountDownLatch busy = new CountDownLatch(1);
        loop.execute(() ->
        {
            busy.countDown();
            try
            {
                hold.await(); // the loop is busy: every wake-up below waits in the queue
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
        });
        final int woken = ReadyStreams.CAPACITY + 10;
        try
        {
            assertTrue(busy.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < woken; i++)
            {
                ready.wake(runs::incrementAndGet);
            }
            // one drain task, plus the 10 wake-ups that found the queue full, each a task of its own
            assertEquals(1 + 10, ((DefaultEventLoop)loop).pendingTasks());
        }
        finally
        {
            hold.countDown();
        }
        Await.until(Duration.ofSeconds(10), "every woken stream runs", () -> runs.get() == woken);
    }
}
