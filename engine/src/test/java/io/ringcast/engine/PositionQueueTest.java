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
        assertThat(q.size()).isEqualTo(100);
        assertThat(q.holds(100)).isTrue();
        for (int i = 0; i < 100; i++)
        {
            assertThat(q.peek(i)).isEqualTo(i);
        }
        assertThat(q.peek(100)).as("nothing past the last entry").isEqualTo(PositionQueue.NONE);
        for (int i = 0; i < 60; i++)
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
        assertThat(q.peek(100)).isEqualTo(PositionQueue.NONE);
    }

    @Test
    void shouldTellNewEntriesFromTheArraysPreviousLapWithoutTheTail()
    {
        final PositionQueue q = new PositionQueue(4);
        long next = 0;
        for (int lap = 0; lap < 50; lap++)
        {
            final int n = 1 + lap % 4;
            assertThat(q.holds(1)).isFalse();
            for (int i = 0; i < n; i++)
            {
                assertThat(q.offer(next + 3L * i)).isTrue(); // gaps, as a subscription sees positions
            }
            assertThat(q.holds(n)).isTrue();
            assertThat(q.holds(n + 1)).isFalse();
            for (int i = 0; i < n; i++)
            {
                assertThat(q.peek(i)).isEqualTo(next + 3L * i);
            }
            assertThat(q.peek(n)).as("an old entry left in the array is not new").isEqualTo(PositionQueue.NONE);
            q.advance(n);
            next += 3L * n;
        }
    }

    @Test
    void shouldRefuseAPositionThatDoesNotIncrease()
    {
        final PositionQueue q = new PositionQueue(8);
        assertThat(q.offer(5)).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.offer(5))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positions must increase");
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
                    int n = 0;
                    for (long p; (p = q.peek(n)) != PositionQueue.NONE; n++)
                    {
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
