package io.ringcast.relay.pg;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadTriggerTest
{
    private final ReadTrigger trigger = new ReadTrigger("a");

    @Test
    void shouldSkipItsOwnNotifiesWhileNoOtherOriginIsPending()
    {
        assertEquals("a 42", ReadTrigger.payload("a", 42));
        assertFalse(trigger.onNotification("a 42"));
        assertFalse(trigger.onNotification("a 43"));
    }

    @Test
    void shouldReadOnEveryOtherOriginsNotify()
    {
        assertTrue(trigger.onNotification("b 10"));
        trigger.onRowRead("b", 10);
        assertTrue(trigger.onNotification("b 20"));
        assertTrue(trigger.onNotification("c 1"));
    }

    @Test
    void shouldReadOnItsOwnNotifyWhileAnotherOriginsAnnouncedBatchIsUnread()
    {
        assertTrue(trigger.onNotification("b 10"));
        trigger.onRowRead("b", 7); // the rest held back below an older open transaction
        assertTrue(trigger.othersPending());
        assertTrue(trigger.onNotification("a 5"), "this node's commit may be what held b back");
        trigger.onRowRead("b", 10);
        assertFalse(trigger.othersPending());
        assertFalse(trigger.onNotification("a 6"));
    }

    @Test
    void shouldTreatAPayloadWithoutASequenceAsPendingUntilOneWithASequenceArrives()
    {
        assertTrue(trigger.onNotification("old"));
        trigger.onRowRead("old", 1_000_000);
        assertTrue(trigger.onNotification("a 1"), "an older writer: read on every NOTIFY, as it did");
        assertTrue(trigger.onNotification("old x"));
        assertTrue(trigger.onNotification("a 2"));
        assertTrue(trigger.onNotification("old 1000000"));
        assertFalse(trigger.onNotification("a 3"));
    }

    @Test
    void shouldKeepEachOriginsMarksApart()
    {
        trigger.onNotification("b 5");
        trigger.onNotification("c 9");
        trigger.onRowRead("b", 5);
        trigger.onRowRead("c", 8);
        assertTrue(trigger.onNotification("a 1"));
        trigger.onRowRead("c", 9);
        assertFalse(trigger.onNotification("a 2"));
    }
}
