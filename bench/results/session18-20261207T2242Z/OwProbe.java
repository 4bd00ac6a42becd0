import io.ringcast.bench.harness.Rig;
import io.ringcast.bench.harness.StepResult;
import io.ringcast.bench.peer.Workload;
import java.lang.reflect.*;
import java.util.concurrent.TimeUnit;

public class OwProbe {
    public static void main(String[] a) throws Exception {
        String peer = a[0]; int subs = Integer.parseInt(a[1]); int topics = Integer.parseInt(a[2]);
        double rate = Double.parseDouble(a[3]); int secs = Integer.parseInt(a[4]);
        Workload w = new Workload(subs, topics, Workload.DEFAULT_QUEUE_CAPACITY, 1, 1);
        try (Rig rig = new Rig(peer, w)) {
            Object p = rig.peer();
            Field f = p.getClass().getDeclaredField("engine"); f.setAccessible(true);
            Object engine = f.get(p);
            Method ow = engine.getClass().getDeclaredMethod("overwritten"); ow.setAccessible(true);
            Method disp = engine.getClass().getDeclaredMethod("dispatcher"); disp.setAccessible(true);
            Object d = disp.invoke(engine);
            Method dr = d.getClass().getDeclaredMethod("dropped"); dr.setAccessible(true);
            Method dl = d.getClass().getDeclaredMethod("delivered"); dl.setAccessible(true);
            for (int i = 0; i < secs; i++) {
                long o0 = (long) ow.invoke(engine), d0 = (long) dr.invoke(d), q0 = (long) dl.invoke(d);
                StepResult r = rig.step(rate, TimeUnit.SECONDS.toNanos(1));
                long o1 = (long) ow.invoke(engine), d1 = (long) dr.invoke(d), q1 = (long) dl.invoke(d);
                System.out.printf("%s%n   queued=%,d fullDrops=%,d overwritten=%,d (%.1f%% of queued)%n", r,
                    q1 - q0, d1 - d0, o1 - o0, 100.0 * (o1 - o0) / Math.max(1, q1 - q0));
            }
        }
    }
}
