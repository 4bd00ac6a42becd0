package io.ringcast.bench.peer;

/**
 * The preallocated, immutable event the peers other than Ringcast carry: its topic and the index of its intended send
 * time in {@link Sink#stamps()}. Safe to share between threads.
 */
public final class BenchEvent
{
    final String topic;
    final int topicIndex;
    final int stamp;

    BenchEvent(final String topic, final int topicIndex, final int stamp)
    {
        this.topic = topic;
        this.topicIndex = topicIndex;
        this.stamp = stamp;
    }

    /** @return {@code [topic][stamp]} tokens for {@code workload}. */
    static BenchEvent[][] tokens(final Workload workload)
    {
        final BenchEvent[][] tokens = new BenchEvent[workload.topics()][workload.stampSlots()];
        for (int t = 0; t < workload.topics(); t++)
        {
            final String topic = Workload.topicName(t);
            for (int s = 0; s < workload.stampSlots(); s++)
            {
                tokens[t][s] = new BenchEvent(topic, t, s);
            }
        }
        return tokens;
    }
}
