import io.ringcast.engine.*;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import com.lmax.disruptor.*;
import java.util.*;

/**
 * Single-threaded cost per event of each stage, routing (one match per event, `topics` topics each with one
 * subscription): publish a burst, dispatch it (Ringcast driven on this thread; the minimal design's handler over a
 * Disruptor ring through an EventPoller), then one consumer round over every subscription.
 * args: <ringcast|minimal> <topics> <burst> <rounds>
 */
public class StageCost {
    static final class Slot { Object event; }
    static final class Tok { final String topic; final int stamp; Tok(String t, int s) { topic = t; stamp = s; } }
    static long sink;
    public static void main(String[] args) throws Exception {
        String peer = args[0];
        int topics = Integer.parseInt(args[1]), burst = Integer.parseInt(args[2]), rounds = Integer.parseInt(args[3]);
        double[] pub = new double[rounds], dis = new double[rounds], con = new double[rounds];
        if (peer.equals("ringcast")) {
            EngineConfig config = new EngineConfig().dispatchDriver(() -> { }).producerMode(ProducerMode.MULTI);
            try (Engine engine = Engine.start(config)) {
                Subscription[] subs = new Subscription[topics];
                for (int i = 0; i < topics; i++) subs[i] = engine.subscribeAsync(Filter.topic("t" + i), SubscribeOptions.defaults().queueCapacity(1024));
                while (engine.dispatch()) { }
                Message[] msgs = new Message[topics];
                for (int i = 0; i < topics; i++) msgs[i] = Boolean.getBoolean("handles") ? Message.of(engine.topic("t" + i), new byte[] {1, 2, 3, 4}) : Message.of(new String("t" + i), new byte[] {1, 2, 3, 4});
                io.ringcast.engine.EventHandler h = e -> sink += e.payloadBuffer().getByte(0);
                int next = 0;
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < burst; i++) { if (engine.tryPublish(msgs[next]) < 0) throw new IllegalStateException("ring full"); next = next + 1 == topics ? 0 : next + 1; }
                    long t1 = System.nanoTime();
                    while (engine.dispatch()) { }
                    long t2 = System.nanoTime();
                    int n = 0; for (Subscription s : subs) n += s.drain(h, 64);
                    long t3 = System.nanoTime();
                    if (n != burst) throw new IllegalStateException("drained " + n);
                    pub[r] = (double)(t1 - t0) / burst; dis[r] = (double)(t2 - t1) / burst; con[r] = (double)(t3 - t2) / burst;
                }
            }
        } else {
            Map<String, OneToOneConcurrentArrayQueue<Object>[]> index = new HashMap<>();
            List<OneToOneConcurrentArrayQueue<Object>> all = new ArrayList<>();
            for (int i = 0; i < topics; i++) {
                @SuppressWarnings("unchecked") OneToOneConcurrentArrayQueue<Object>[] q = new OneToOneConcurrentArrayQueue[] {new OneToOneConcurrentArrayQueue<>(1024)};
                index.put("t" + i, q); all.add(q[0]);
            }
            Tok[] toks = new Tok[topics];
            for (int i = 0; i < topics; i++) toks[i] = new Tok(new String("t" + i), i);
            RingBuffer<Slot> ring = RingBuffer.createMultiProducer(Slot::new, 65536, new BlockingWaitStrategy());
            EventPoller<Slot> poller = ring.newPoller();
            ring.addGatingSequences(poller.getSequence());
            long[] drops = {0};
            EventPoller.Handler<Slot> handler = (slot, seq, end) -> {
                Tok e = (Tok)slot.event;
                OneToOneConcurrentArrayQueue<Object>[] m = index.get(e.topic);
                if (m != null) for (OneToOneConcurrentArrayQueue<Object> x : m) if (!x.offer(e)) drops[0]++;
                return true;
            };
            java.util.function.Consumer<Object> h = o -> sink += ((Tok)o).stamp;
            int next = 0;
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < burst; i++) { long s; try { s = ring.tryNext(); } catch (InsufficientCapacityException ex) { throw new IllegalStateException("full"); } ring.get(s).event = toks[next]; ring.publish(s); next = next + 1 == topics ? 0 : next + 1; }
                long t1 = System.nanoTime();
                poller.poll(handler);
                long t2 = System.nanoTime();
                int n = 0; for (OneToOneConcurrentArrayQueue<Object> x : all) n += x.drain(h, 64);
                long t3 = System.nanoTime();
                if (n != burst) throw new IllegalStateException("drained " + n);
                pub[r] = (double)(t1 - t0) / burst; dis[r] = (double)(t2 - t1) / burst; con[r] = (double)(t3 - t2) / burst;
            }
        }
        System.out.printf("%s topics=%d burst=%d: ns/event median (min) publish %s dispatch %s consume %s%n", peer, topics, burst, med(pub, rounds), med(dis, rounds), med(con, rounds));
    }
    static String med(double[] a, int rounds) { double[] t = Arrays.copyOfRange(a, rounds / 2, rounds); Arrays.sort(t); return String.format("%.1f (%.1f)", t[t.length / 2], t[0]); }
}
