package io.ringcast.engine;

import org.agrona.DirectBuffer;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * {@link Message#payloadView()}: two readers on two threads ask one message for its payload view at once, as two
 * consumers delivering the same published message do. Whichever creates it, each must read the payload whole through
 * the view it gets (the view is stored with release and read with acquire, never seen half-built), and both must end
 * up with the same view (the one stored first).
 */
@JCStressTest
@Description("two readers create a message's shared payload view at once: each reads the payload whole, one view wins")
@Outcome(id = "1, 1, 1", expect = ACCEPTABLE, desc = "both read the payload through the one stored view")
@Outcome(id = {"0, 1, 1", "1, 0, 1", "0, 0, 1", "1, 1, 0", "0, 1, 0", "1, 0, 0", "0, 0, 0"}, expect = FORBIDDEN,
    desc = "a reader saw a half-built view, or the readers kept different views")
@State
public class SharedPayloadViewTest
{
    private final Message message = Message.of("t", new byte[] {0, 0, 0, 42});
    private DirectBuffer first;
    private DirectBuffer second;

    @Actor
    public void reader1(final III_Result r)
    {
        final DirectBuffer view = message.payloadView();
        first = view;
        r.r1 = view.capacity() == 4 && view.getByte(3) == 42 ? 1 : 0;
    }

    @Actor
    public void reader2(final III_Result r)
    {
        final DirectBuffer view = message.payloadView();
        second = view;
        r.r2 = view.capacity() == 4 && view.getByte(3) == 42 ? 1 : 0;
    }

    @Arbiter
    public void arbiter(final III_Result r)
    {
        r.r3 = first == second && first == message.payloadView() ? 1 : 0;
    }
}
