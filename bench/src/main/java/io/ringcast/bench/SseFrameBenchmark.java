package io.ringcast.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Workload 6, SSE frame: one event with a {@code payloadBytes} payload goes to {@code streams} SSE streams. Either the
 * frame ({@code id:}, {@code event:}, {@code data:} lines) is encoded once and the same bytes are handed to every stream
 * (what Ringcast's {@code EventEncoder} enables: it runs once per event on the dispatcher), or every stream encodes
 * its own copy. A stream's write keeps a reference and counts bytes, standing in for a channel's outbound buffer.
 * Score: nanoseconds per event (all streams); divide by {@code streams} for per-delivery cost; {@code -prof gc} gives
 * the bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SseFrameBenchmark
{
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "\nevent: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);

    @Param({"1000"})
    public int streams;

    @Param({"1024"})
    public int payloadBytes;

    private Stream[] out;
    private byte[] payload;
    private byte[] type;
    private long id = 1_732_000_000_000L << 20;

    @Setup
    public void setUp()
    {
        out = new Stream[streams];
        Arrays.setAll(out, i -> new Stream());
        payload = new byte[payloadBytes];
        Arrays.fill(payload, (byte)'x');
        payload[0] = '{';
        payload[payloadBytes - 1] = '}';
        type = "order.updated".getBytes(StandardCharsets.US_ASCII);
    }

    @Benchmark
    public long encodeOnceAndShare()
    {
        final byte[] frame = encode(++id, type, payload);
        for (final Stream s : out)
        {
            s.write(frame);
        }
        return out[0].pendingBytes;
    }

    @Benchmark
    public long encodePerSubscriber()
    {
        final long eventId = ++id;
        for (final Stream s : out)
        {
            s.write(encode(eventId, type, payload));
        }
        return out[0].pendingBytes;
    }

    /** One SSE frame: {@code id: <id>\nevent: <type>\ndata: <payload>\n\n} (the payload holds no line breaks). */
    static byte[] encode(final long eventId, final byte[] type, final byte[] payload)
    {
        final int idDigits = digits(eventId);
        final byte[] f = new byte[ID.length + idDigits + EVENT.length + type.length + DATA.length + payload.length + 2];
        int p = 0;
        System.arraycopy(ID, 0, f, p, ID.length);
        p += ID.length;
        long v = eventId;
        for (int i = p + idDigits - 1; i >= p; i--)
        {
            f[i] = (byte)('0' + (v % 10));
            v /= 10;
        }
        p += idDigits;
        System.arraycopy(EVENT, 0, f, p, EVENT.length);
        p += EVENT.length;
        System.arraycopy(type, 0, f, p, type.length);
        p += type.length;
        System.arraycopy(DATA, 0, f, p, DATA.length);
        p += DATA.length;
        System.arraycopy(payload, 0, f, p, payload.length);
        p += payload.length;
        f[p++] = '\n';
        f[p] = '\n';
        return f;
    }

    private static int digits(final long v)
    {
        int d = 1;
        for (long x = v; x >= 10; x /= 10)
        {
            d++;
        }
        return d;
    }

    /** Stands in for a channel's outbound buffer: keeps the last frame, counts pending bytes. */
    static final class Stream
    {
        long pendingBytes;
        byte[] last;

        void write(final byte[] frame)
        {
            last = frame;
            pendingBytes += frame.length;
        }
    }
}
