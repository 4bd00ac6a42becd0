import io.ringcast.bench.peer.*;
import io.ringcast.engine.*;
public class EmptyRound {
  public static void main(String[] a) throws Exception {
    Peer p = a[0].equals("minimal") ? new DisruptorMinimalPeer() : new RingcastPeer(ProducerMode.MULTI, WaitStrategyKind.BLOCKING);
    Sink sink = new Sink(1 << 16);
    p.start(Workload.broadcast(16, 1), sink);
    Thread.sleep(200);
    for (int r = 0; r < 5; r++) {
      long t0 = System.nanoTime(); long n = 0;
      for (int i = 0; i < 20_000_000; i++) n += p.drainRound(64);
      long t1 = System.nanoTime();
      System.out.printf("%s empty round %.1f ns (n=%d)%n", a[0], (t1 - t0) / 20_000_000.0, n);
    }
    p.close();
  }
}
