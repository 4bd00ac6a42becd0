package io.ringcast.engine;

import example.QuickStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's embedding example is {@code example.QuickStart}, verbatim from its imports on, so it cannot rot. */
@Timeout(30)
class ReadmeExampleTest
{
    @Test
    void shouldRunTheReadmeEmbeddingExample()
    {
        final PrintStream originalOut = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            QuickStart.main(new String[0]);
        }
        finally
        {
            System.setOut(originalOut);
        }
        final String[] lines = captured.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).endsWith(" orders/eu {\"id\":1}");
        assertThat(lines[1]).endsWith(" orders/us {\"id\":2}");
        assertThat(lines[2]).isEqualTo("resumed EXACT: {\"id\":2}");
    }

    @Test
    void shouldMatchTheReadmeVerbatim() throws Exception
    {
        final String source = Files.readString(Path.of("src/test/java/example/QuickStart.java"));
        final String fromImports = source.substring(source.indexOf("import ")).strip();
        final String readme = Files.readString(Path.of("../README.md"));
        assertThat(readme).contains(fromImports);
    }
}
