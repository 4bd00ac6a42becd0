import io.ringcast.engine.*;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import com.lmax.disruptor.*;
import java.util.*;

/** One thread, broadcast: `subs` subscriptions on one topic; publish a burst, dispatch it, drain every subscription.
 * ns per delivery for dispatch and consume. args: <ringcast|minimal> <subs> <burst> <rounds> */
public class StageCastB {
    static final class Slot { Object event; }
    static final class Tok { final String topic; final int stamp; Tok(String t, int s) { topic = t; stamp = s; } }
    static long sink;
    public static void main(String[] args) throws Exception {
        String peer = args[0];
        int nsubs = Integer.parseInt(args[1]), burst = Integer.parseInt(args[2]), rounds = Integer.parseInt(args[3]);
        double[] pub = new double[rounds], dis = new double[rounds], con = new double[rounds];
        long deliveries = (long)nsubs * burst;
        if (peer.equals("ringcast")) {
            EngineConfig config = new EngineConfig().dispatchDriver(() -> { }).producerMode(ProducerMode.MULTI);
            try (Engine engine = Engine.start(config)) {
                Subscription[] subs = new Subscription[nsubs];
                for (int i = 0; i < nsubs; i++) subs[i] = engine.subscribeAsync(Filter.topic("t0"), SubscribeOptions.defaults().queueCapacity(1024));
                while (engine.dispatch()) { }
                Message[] msgs = new Message[burst];
                Topic t = engine.topic("t0");
                for (int i = 0; i < burst; i++) msgs[i] = Message.of(t, new byte[] {(byte)i, 2, 3, 4});
                String mode = System.getProperty("h", "buf");
                io.ringcast.engine.EventHandler h = mode.equals("buf") ? e -> sink += e.payloadBuffer().getByte(0) : mode.equals("id") ? e -> sink += e.id() : e -> { };
                EventReader reader = engine.reader(); int lim = Integer.getInteger("lim", 256); boolean useReader = Boolean.getBoolean("reader");
                for (int r = 0; r < rounds; r++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < burst; i++) { if (engine.tryPublish(msgs[i]) < 0) throw new IllegalStateException("ring full"); }
                    long t1 = System.nanoTime();
                    while (engine.dispatch()) { }
                    long t2 = System.nanoTime();
                    long n = 0; while (n < deliveries) { for (Subscription s : subs) { n += useReader ? reader.drain(s, h, lim) : s.drain(h, lim); } }
                    long t3 = System.nanoTime();
                    if (n != deliveries) throw new IllegalStateException("drained " + n);
                    pub[r] = (double)(t1 - t0) / burst; dis[r] = (double)(t2 - t1) / deliveries; con[r] = (double)(t3 - t2) / deliveries;
                }
            }
        } else {
            List<OneToOneConcurrentArrayQueue<Object>> all = new ArrayList<>();
            for (int i = 0; i < nsubs; i++) all.add(new OneToOneConcurrentArrayQueue<>(1024));
            Map<String, OneToOneConcurrentArrayQueue<Object>[]> index = new HashMap<>();
            @SuppressWarnings("unchecked") OneToOneConcurrentArrayQueue<Object>[] arr = all.toArray(new OneToOneConcurrentArrayQueue[0]);
            index.put("t0", arr);
            Tok[] toks = new Tok[burst];
            for (int i = 0; i < burst; i++) toks[i] = new Tok(new String("t0"), i);
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
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < burst; i++) { long s; try { s = ring.tryNext(); } catch (InsufficientCapacityException ex) { throw new IllegalStateException("full"); } ring.get(s).event = toks[i]; ring.publish(s); }
                long t1 = System.nanoTime();
                poller.poll(handler);
                long t2 = System.nanoTime();
                long n = 0; int lim = Integer.getInteger("lim", 256); while (n < deliveries) { for (OneToOneConcurrentArrayQueue<Object> x : all) n += x.drain(h, lim); }
                long t3 = System.nanoTime();
                if (n != deliveries || drops[0] != 0) throw new IllegalStateException("drained " + n + " drops " + drops[0]);
                pub[r] = (double)(t1 - t0) / burst; dis[r] = (double)(t2 - t1) / deliveries; con[r] = (double)(t3 - t2) / deliveries;
            }
        }
        if (Boolean.getBoolean("all")) { StringBuilder sb = new StringBuilder(); for (double c : con) sb.append(String.format("%.1f ", c)); System.out.println(sb); }
        System.out.printf("%s subs=%d burst=%d: publish ns/event %s; ns/delivery dispatch %s consume %s%n", peer, nsubs, burst, med(pub, rounds), med(dis, rounds), med(con, rounds));
    }
    static String med(double[] a, int rounds) { double[] t = Arrays.copyOfRange(a, rounds / 2, rounds); Arrays.sort(t); return String.format("%.1f (%.1f)", t[t.length / 2], t[0]); }
}
