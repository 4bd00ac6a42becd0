package io.ringcast.sse;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzes {@link PublishParser} (JSON and NDJSON, in every encoding) and the strict {@link Utf8} check: any input is
 * either parsed into valid messages or refused with an {@link HttpError}; nothing else escapes.
 */
class PublishParserFuzz
{
    private static final List<Charset> ENCODINGS = List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16BE,
        StandardCharsets.UTF_16LE, StandardCharsets.UTF_16, Charset.forName("UTF-32BE"), Charset.forName("UTF-32LE"),
        StandardCharsets.ISO_8859_1);

    private static Engine engine;
    private static PublishParser parser;

    @BeforeContainer
    static void startEngine()
    {
        engine = Engine.start(new EngineConfig());
        parser = new PublishParser(4096, SharedNames.standalone(engine));
    }

    @AfterContainer
    static void closeEngine()
    {
        engine.close();
    }

    @Property(seed = "1501")
    void anyBytesAreParsedOrRefusedWithAnHttpError(@ForAll("bodies") final byte[] body)
    {
        parseBoth(body);
    }

    @Property(seed = "1502")
    void mutatedEventsInAnyEncodingAreParsedOrRefused(@ForAll("mutatedEvents") final byte[] body)
    {
        parseBoth(body);
    }

    @Property(seed = "1503")
    void utf8CheckAgreesWithTheJdkDecoder(@ForAll("utf8ish") final byte[] bytes)
    {
        boolean valid = true;
        try
        {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
        }
        catch (final CharacterCodingException e)
        {
            valid = false;
        }
        assertEquals(valid, Utf8.firstInvalid(bytes, 0, bytes.length) < 0);
    }

    private void parseBoth(final byte[] body)
    {
        try
        {
            check(List.of(parser.parseJson(body)));
        }
        catch (final HttpError e)
        {
            assertTrue(e.status.code() == 400 || e.status.code() == 413, e.detail());
        }
        try
        {
            check(parser.parseNdjson(body));
        }
        catch (final HttpError e)
        {
            assertTrue(e.status.code() == 400 || e.status.code() == 413, e.detail());
        }
    }

    private static void check(final List<ParsedEvent> messages)
    {
        for (final ParsedEvent m : messages)
        {
            final byte[] payload = m.payload();
            assertTrue(Utf8.firstInvalid(payload, 0, payload.length) < 0, "payload is not UTF-8");
            for (final byte b : payload)
            {
                assertTrue(b != 0, "payload holds NUL");
            }
            assertFalse(m.type() != null && PublishParser.RESERVED_TYPES.contains(m.type()), m.type());
            assertTrue(m.topic().indexOf('\uFFFD') < 0 || validUtf8Text(m.topic()));
        }
    }

    private static boolean validUtf8Text(final String s)
    {
        final byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Utf8.firstInvalid(b, 0, b.length) < 0;
    }

    @Provide
    Arbitrary<byte[]> bodies()
    {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(256);
    }

    @Provide
    Arbitrary<byte[]> utf8ish()
    {
        // bias towards the lead and continuation bytes where the edge cases live
        final Arbitrary<Byte> b = Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.bytes()),
            Tuple.of(2, Arbitraries.of((byte)0xC0, (byte)0xC1, (byte)0xC2, (byte)0xDF, (byte)0xE0, (byte)0xED,
                (byte)0xEF, (byte)0xF0, (byte)0xF4, (byte)0xF5, (byte)0xFF)),
            Tuple.of(3, Arbitraries.integers().between(0x80, 0xBF).map(i -> (byte)(int)i)),
            Tuple.of(2, Arbitraries.bytes().between((byte)0x20, (byte)0x7E)));
        return b.array(byte[].class).ofMaxSize(16);
    }

    @Provide
    Arbitrary<byte[]> mutatedEvents()
    {
        final Arbitrary<String> text = Arbitraries.strings().all().ofMaxLength(12);
        final Arbitrary<String> type = Arbitraries.oneOf(text, Arbitraries.of(PublishParser.RESERVED_TYPES));
        final Arbitrary<String> data = Arbitraries.oneOf(text.map(PublishParserFuzz::quote),
            Arbitraries.of("1", "-0.5e3", "null", "true", "[]", "{}", "{\"a\":[1,{\"b\":\"c\"}]}", "\"\\u0000\""));
        final Arbitrary<String> event = Combinators.combine(text, type, data, text.injectNull(0.5))
            .as((t, y, d, u) -> "{\"topic\":" + quote(t) + ",\"type\":" + quote(y) + ",\"data\":" + d +
                (u == null ? "" : ",\"user\":" + quote(u)) + "}");
        final Arbitrary<String> body = event.list().ofMinSize(1).ofMaxSize(3).map(l -> String.join("\n", l));
        final Arbitrary<Charset> encoding = Arbitraries.of(ENCODINGS);
        final Arbitrary<List<Tuple.Tuple2<Integer, Byte>>> mutations =
            Combinators.combine(Arbitraries.integers().between(0, 1023), Arbitraries.bytes()).as(Tuple::of)
                .list().ofMaxSize(3);
        return Combinators.combine(body, encoding, mutations).as((b, e, m) ->
        {
            final byte[] bytes = b.getBytes(e);
            for (final Tuple.Tuple2<Integer, Byte> at : m)
            {
                if (bytes.length > 0)
                {
                    bytes[at.get1() % bytes.length] = at.get2();
                }
            }
            return bytes;
        });
    }

    private static String quote(final String s)
    {
        return Responses.quote(s);
    }
}
