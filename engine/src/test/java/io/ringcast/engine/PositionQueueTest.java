package io.ringcast.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class PositionQueueTest
{
    @Test
    void shouldGrowOnDemandUpToItsCapacityKeepingOrder()
    {
        final PositionQueue q = new PositionQueue(100);
        assertThat(q.allocatedCapacity()).isEqualTo(PositionQueue.INITIAL_CAPACITY);
        for (long i = 0; i < 100; i++)
        {
            assertThat(q.offer(i)).isTrue();
        }
        assertThat(q.offer(100)).as("full at its capacity").isFalse();
        assertThat(q.allocatedCapacity()).isEqualTo(128);
        assertThat(q.available()).isEqualTo(100);
        for (int i = 0; i < 100; i++)
        {
            assertThat(q.peek(i)).isEqualTo(i);
        }
        q.advance(60);
        assertThat(q.removedCount()).isEqualTo(60);
        for (long i = 100; i < 160; i++)
        {
            assertThat(q.offer(i)).isTrue();
        }
        assertThat(q.size()).isEqualTo(100);
        for (int i = 0; i < 100; i++)
        {
            assertThat(q.peek(i)).isEqualTo(60 + i);
        }
    }

    @Test
    void shouldHandEveryPositionInOrderFromOneThreadToAnotherWhileGrowing() throws Exception
    {
        for (int round = 0; round < 3; round++)
        {
            final PositionQueue q = new PositionQueue(1 << 12);
            final long total = 500_000;
            final AtomicReference<String> failure = new AtomicReference<>();
            final Thread consumer = new Thread(() ->
            {
                long expected = 0;
                while (expected < total && failure.get() == null)
                {
                    final int n = q.available();
                    for (int i = 0; i < n; i++)
                    {
                        final long p = q.peek(i);
                        if (p != expected)
                        {
                            failure.set("expected " + expected + " got " + p);
                            return;
                        }
                        expected++;
                    }
                    q.advance(n);
                    if (n == 0)
                    {
                        Thread.onSpinWait();
                    }
                }
            });
            consumer.start();
            for (long i = 0; i < total && failure.get() == null; i++)
            {
                while (!q.offer(i))
                {
                    Thread.onSpinWait();
                }
            }
            consumer.join(30_000);
            assertThat(failure.get()).isNull();
            assertThat(q.removedCount()).isEqualTo(total);
        }
    }
}
