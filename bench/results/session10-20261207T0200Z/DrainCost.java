import io.ringcast.engine.*;
import java.util.*;

/** Single-threaded consumer cost per delivery: publish a burst, wait for dispatch, time draining every subscription. */
public class DrainCost {
    public static void main(String[] args) throws Exception {
        int subs = Integer.parseInt(args[0]);
        int events = Integer.parseInt(args[1]);
        int batch = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        try (Engine engine = Engine.start(new EngineConfig())) {
            Subscription[] s = new Subscription[subs];
            for (int i = 0; i < subs; i++) s[i] = engine.subscribe(Filter.topic("t"), SubscribeOptions.defaults().queueCapacity(events));
            Message[] msgs = new Message[events];
            for (int i = 0; i < events; i++) msgs[i] = Message.of("t", new byte[] {0, 0, (byte)(i >>> 8), (byte)i});
            long[] sink = new long[1];
            EventHandler h = e -> sink[0] += e.payloadBuffer().getInt(0);
            double[] ns = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < events; i++) engine.publish(msgs[i]);
                while (s[subs - 1].depth() < events) Thread.onSpinWait();
                long t0 = System.nanoTime();
                long n = 0;
                for (int pass = 0; pass < events / batch; pass++)
                    for (int i = 0; i < subs; i++) n += s[i].drain(h, batch);
                long t1 = System.nanoTime();
                ns[r] = (double)(t1 - t0) / n;
                if (n != (long)subs * events) throw new IllegalStateException("n=" + n);
            }
            double[] tail = Arrays.copyOfRange(ns, rounds / 2, rounds);
            Arrays.sort(tail);
            System.out.printf("subs=%d events=%d batch=%d: ns/delivery median %.2f min %.2f (second half of %d rounds) %d%n", subs, events, batch, tail[tail.length / 2], tail[0], rounds, sink[0] & 1);
        }
    }
}
