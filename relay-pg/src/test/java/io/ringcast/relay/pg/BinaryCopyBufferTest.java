package io.ringcast.relay.pg;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class BinaryCopyBufferTest
{
    @Test
    void shouldWritePostgresBinaryCopyFormat() throws IOException
    {
        final String text = "a/é/€/\uD83D\uDE00";
        final byte[] payload = {0, 1, (byte)0xFF, '\\', '\n'};
        final BinaryCopyBuffer b = new BinaryCopyBuffer(1); // grows as needed
        b.header();
        b.startTuple(5);
        b.int8(0x0102030405060708L);
        b.text(text);
        b.text(null);
        b.bytea(payload);
        b.fieldLength(3);
        b.trailer();

        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        final DataOutputStream d = new DataOutputStream(expected);
        d.write("PGCOPY\n".getBytes(StandardCharsets.US_ASCII));
        d.write(new byte[] {(byte)0xFF, '\r', '\n', 0});
        d.writeInt(0);
        d.writeInt(0);
        d.writeShort(5);
        d.writeInt(8);
        d.writeLong(0x0102030405060708L);
        final byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        d.writeInt(utf8.length);
        d.write(utf8);
        d.writeInt(-1);
        d.writeInt(payload.length);
        d.write(payload);
        d.writeInt(3);
        d.writeShort(-1);
        assertArrayEquals(expected.toByteArray(), Arrays.copyOf(b.array(), b.length()));
    }

    @Test
    void shouldEncodeLikeTheJdkAndReuseTheArray()
    {
        final BinaryCopyBuffer b = new BinaryCopyBuffer(64);
        for (final String s : new String[] {"", "x", "\u07FF\u0800\uFFFF", "\uD800 lone", "lone \uDC00", "\uDBFF\uDFFF"})
        {
            b.clear();
            b.text(s);
            final byte[] jdk = s.getBytes(StandardCharsets.UTF_8);
            assertEquals(4 + jdk.length, b.length(), s);
            assertArrayEquals(jdk, Arrays.copyOfRange(b.array(), 4, b.length()), s);
        }
        final byte[] array = b.array();
        b.clear();
        b.text("again");
        assertEquals(array, b.array());
    }
}
