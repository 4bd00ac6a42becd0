package io.ringcast.journal;

import io.ringcast.engine.Attributes;
import io.ringcast.engine.Event;
import io.ringcast.engine.EventLog;
import io.ringcast.engine.Message;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RecordCodecTest
{
    private static final String LONG = "x".repeat(Utf8Field.MAX_CACHED_BYTES + 72); // valid, too long to keep

    @Test
    void utf8EncodingMatchesTheJdksForAsciiTwoThreeAndFourByteCharactersAndLoneSurrogates()
    {
        for (final String s : new String[] {"", "orders/eu", "caf\u00e9", "\u20ac100", "emoji \ud83d\ude00 end",
            "lone \ud800 high", "lone \udc00 low", "\ud83d"})
        {
            final byte[] dst = new byte[64];
            final int n = Utf8.encode(s, dst);
            final byte[] expected = s.getBytes(StandardCharsets.UTF_8);
            assertEquals(expected.length, n, s);
            assertArrayEquals(expected, java.util.Arrays.copyOf(dst, n), s);
        }
    }

    @Test
    void theBufferForAnEventSizeIsTheDefaultUpToHalfAMegabyteOfPayloadAndGrowsInPowersOfTwoBeyond()
    {
        assertEquals(JournalConfig.DEFAULT_BUFFER_BYTES, JournalConfig.bufferBytesFor(64 * 1024));
        assertEquals(JournalConfig.DEFAULT_BUFFER_BYTES, JournalConfig.bufferBytesFor(448 * 1024));
        assertEquals(8 << 20, JournalConfig.bufferBytesFor(449 * 1024));
        assertEquals(32 << 20, JournalConfig.bufferBytesFor(2 << 20));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> JournalConfig.bufferBytesFor(200 << 20));
    }

    @Test
    void utf8EncodingReportsAStringThatDoesNotFit()
    {
        assertEquals(-1, Utf8.encode("abcd", new byte[3]));
        assertEquals(-1, Utf8.encode("\u20ac", new byte[2]));
        assertEquals(-1, Utf8.encode("\ud83d\ude00", new byte[3]));
    }

    @Test
    void aRecordDecodesToTheSameEventWhetherItsStringsAreRepeatedNewOrTooLongToKeep()
    {
        final RecordCodec codec = new RecordCodec();
        final String topic = "orders/eu";
        final Event[] events = {
            event(1, topic, "created", null, "node-a", Attributes.EMPTY, "p1"),
            event(2, topic, "created", null, "node-a", Attributes.of("k", "v\u00e9"), "p2"), // same strings again
            event(3, new String("orders/eu"), null, "alice", "node-a", Attributes.EMPTY, ""), // equal, not same
            event(4, LONG, LONG, LONG, LONG, Attributes.EMPTY, "p4"),
            event(5, topic, "created", null, null, Attributes.EMPTY, "p5"),
            event(6, topic, "created", null, null, Attributes.EMPTY, "p6"), // all four as before: copied in one piece
            event(7, topic, "updated", null, null, Attributes.EMPTY, "p7"), // one of the four changed
            event(8, topic, "updated", null, null, Attributes.EMPTY, "p8"),
        };
        for (final Event e : events)
        {
            final int length = codec.length(e);
            final byte[] buffer = new byte[length + 16];
            codec.encode(e, buffer, 8);
            final ByteBuffer body = ByteBuffer.wrap(buffer, 8, length).slice().order(ByteOrder.LITTLE_ENDIAN);
            final Event back = RecordCodec.decode(body);
            assertEquals(0, body.remaining(), "the body is exactly the computed length");
            assertEquals(e.id(), back.id());
            assertEquals(e.topic(), back.topic());
            assertEquals(e.type(), back.type());
            assertEquals(e.audience(), back.audience());
            assertEquals(e.origin(), back.origin());
            assertEquals(e.attributes().size(), back.attributes().size());
            assertEquals(e.payloadAsString(), back.payloadAsString());
        }
        assertNull(RecordCodec.decode(encoded(codec, events[4])).origin());
        assertEquals("updated", RecordCodec.decode(encoded(codec, events[7])).type());
    }

    private static ByteBuffer encoded(final RecordCodec codec, final Event e)
    {
        final int length = codec.length(e);
        final byte[] buffer = new byte[length];
        codec.encode(e, buffer, 0);
        return ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static Event event(
        final long id, final String topic, final String type, final String audience, final String origin,
        final Attributes attributes, final String payload)
    {
        final Message message = Message.builder(topic).type(type).audience(audience).attributes(attributes)
            .payload(payload.getBytes(StandardCharsets.UTF_8)).build();
        return EventLog.restore(id, 1_000 + id, message, origin, id);
    }
}
