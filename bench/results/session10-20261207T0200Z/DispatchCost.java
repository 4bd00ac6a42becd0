import io.ringcast.engine.*;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import java.util.*;

/**
 * Single-threaded dispatcher cost per event, routing (one match per event): a burst of events over `topics` topics,
 * each topic one subscription; Ringcast's dispatcher driven on this thread (EngineConfig.dispatchDriver) against the
 * minimal design's handler loop (HashMap topic index, Agrona queue per subscriber) over the same burst.
 * args: <ringcast|minimal|ringcast-nohistory> <topics> <burst> <rounds>
 */
public class DispatchCost {
    public static void main(String[] args) {
        String peer = args[0];
        int topics = Integer.parseInt(args[1]);
        int burst = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        double[] ns = new double[rounds];
        if (peer.startsWith("ringcast")) {
            EngineConfig config = new EngineConfig().dispatchDriver(() -> { });
            if (peer.endsWith("nohistory")) config.historyMaxEvents(0);
            try (Engine engine = Engine.start(config)) {
                Subscription[] subs = new Subscription[topics];
                for (int i = 0; i < topics; i++) subs[i] = engine.subscribeAsync(Filter.topic("t" + i), SubscribeOptions.defaults().queueCapacity(64));
                while (engine.dispatch()) { }
                Message[] msgs = new Message[topics];
                for (int i = 0; i < topics; i++) msgs[i] = Message.of("t" + i, new byte[] {1, 2, 3, 4});
                EventHandler h = e -> { };
                int next = 0;
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < burst; i++) { if (engine.tryPublish(msgs[next]) < 0) throw new IllegalStateException("ring full"); next = next + 1 == topics ? 0 : next + 1; }
                    long t0 = System.nanoTime();
                    while (engine.dispatch()) { }
                    long t1 = System.nanoTime();
                    ns[r] = (double)(t1 - t0) / burst;
                    for (Subscription s : subs) s.drain(h, 64);
                }
            }
        } else {
            Map<String, OneToOneConcurrentArrayQueue<Object>[]> index = new HashMap<>();
            List<OneToOneConcurrentArrayQueue<Object>> all = new ArrayList<>();
            for (int i = 0; i < topics; i++) {
                @SuppressWarnings("unchecked") OneToOneConcurrentArrayQueue<Object>[] q = new OneToOneConcurrentArrayQueue[] {new OneToOneConcurrentArrayQueue<>(64)};
                index.put("t" + i, q);
                all.add(q[0]);
            }
            String[] tokenTopics = new String[topics];
            Object[] tokens = new Object[topics];
            for (int i = 0; i < topics; i++) { tokenTopics[i] = "t" + i; tokens[i] = new long[] {i}; }
            // a ring of slots written by the "publisher" (this thread), read by the handler loop
            int ringSize = 16384;
            String[] slotTopic = new String[ringSize];
            Object[] slotEvent = new Object[ringSize];
            long drops = 0;
            int next = 0;
            long seq = 0;
            for (int r = 0; r < rounds; r++) {
                long start = seq;
                for (int i = 0; i < burst; i++) { int s = (int)(seq++ & (ringSize - 1)); slotTopic[s] = tokenTopics[next]; slotEvent[s] = tokens[next]; next = next + 1 == topics ? 0 : next + 1; }
                long t0 = System.nanoTime();
                for (long q = start; q < seq; q++) {
                    int s = (int)(q & (ringSize - 1));
                    OneToOneConcurrentArrayQueue<Object>[] m = index.get(slotTopic[s]);
                    if (m != null) for (OneToOneConcurrentArrayQueue<Object> x : m) if (!x.offer(slotEvent[s])) drops++;
                }
                long t1 = System.nanoTime();
                ns[r] = (double)(t1 - t0) / burst;
                for (OneToOneConcurrentArrayQueue<Object> x : all) x.drain(e -> { }, 64);
            }
            if (drops != 0) System.out.println("drops " + drops);
        }
        double[] tail = Arrays.copyOfRange(ns, rounds / 2, rounds);
        Arrays.sort(tail);
        System.out.printf("%s topics=%d burst=%d: dispatcher ns/event median %.1f min %.1f%n", peer, topics, burst, tail[tail.length / 2], tail[0]);
    }
}
