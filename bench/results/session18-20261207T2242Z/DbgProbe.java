import io.ringcast.bench.harness.Rig;
import io.ringcast.bench.harness.StepResult;
import io.ringcast.bench.harness.PublisherWait;
import io.ringcast.bench.peer.Workload;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

public class DbgProbe {
    public static void main(String[] a) throws Exception {
        int subs = Integer.parseInt(a[0]); double rate = Double.parseDouble(a[1]); int secs = Integer.parseInt(a[2]);
        PublisherWait wait = PublisherWait.valueOf(a[3]);
        Workload w = new Workload(subs, 1, Workload.DEFAULT_QUEUE_CAPACITY, Workload.LATENCY_STAMP_SLOTS, 1);
        LongAdder[] d = io.ringcast.engine.DispatcherWaitStrategy.DBG;
        try (Rig rig = new Rig("ringcast-assisted", w)) {
            for (int i = 0; i < secs; i++) {
                long[] b = new long[8]; for (int k = 0; k < 8; k++) b[k] = d[k].sum();
                StepResult r = rig.step(rate, TimeUnit.SECONDS.toNanos(1), wait);
                StringBuilder sb = new StringBuilder();
                String[] n = {"inline","hoWindow","hoClose","hoRecheck","retake","tbYield","parks","sawRunning"};
                for (int k = 0; k < 8; k++) sb.append(n[k]).append('=').append(d[k].sum() - b[k]).append(' ');
                System.out.println(r + "\n   " + sb);
            }
        }
    }
}
