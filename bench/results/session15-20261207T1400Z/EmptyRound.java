// EmptyRound <ringcast|minimal> <subscribers> [routing]: empty drains on one thread, ns per subscription (the fifteenth session).
import io.ringcast.bench.peer.*;
import io.ringcast.engine.*;
public class EmptyRound {
  public static void main(String[] a) throws Exception {
    Peer p = a[0].equals("minimal") ? new DisruptorMinimalPeer() : new RingcastPeer(ProducerMode.MULTI, WaitStrategyKind.BLOCKING);
    Sink sink = new Sink(1 << 16);
    int subs = Integer.parseInt(a[1]); p.start(a.length > 2 ? Workload.routing(subs) : Workload.broadcast(subs, 1), sink); int rounds = 320_000_000 / subs;
    Thread.sleep(200);
    for (int r = 0; r < 5; r++) {
      long t0 = System.nanoTime(); long n = 0;
      for (int i = 0; i < rounds; i++) n += p.drainRound(64);
      long t1 = System.nanoTime();
      System.out.printf("%s empty drain %.2f ns per subscription (n=%d)%n", a[0], (t1 - t0) / (double)rounds / subs, n);
    }
    p.close();
  }
}
