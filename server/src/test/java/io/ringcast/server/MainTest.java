package io.ringcast.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MainTest
{
    @Test
    void shouldHintAtTheJvmOptionsOnlyWhereTheyApply()
    {
        assertTrue(Main.missesJvmOptions(List.of(), 17), "JDK 17, no options");
        assertTrue(Main.missesJvmOptions(List.of("-Xmx1g", "-XX:+UseG1GC"), 17));
        assertFalse(Main.missesJvmOptions(List.of("-XX:+IgnoreUnrecognizedVMOptions",
            "-XX:-G1UseAdaptiveConcRefinement"), 17), "started with the options file");
        assertFalse(Main.missesJvmOptions(List.of(), 21), "newer JDKs do not have these options");
    }
}
