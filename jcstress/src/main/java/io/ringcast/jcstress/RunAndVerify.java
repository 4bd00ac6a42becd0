package io.ringcast.jcstress;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs jcstress ({@code org.openjdk.jcstress.Main}) with the given arguments and exits with status 1 when any test
 * failed or errored: jcstress itself reports failures but always exits 0, and {@code mvn verify} must go red.
 *
 * <p>Thread-safety: a command-line entry point; not for concurrent use.
 */
public final class RunAndVerify
{
    private RunAndVerify()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final PrintStream console = System.out;
        final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(console, copy), true, StandardCharsets.UTF_8));
        try
        {
            org.openjdk.jcstress.Main.main(args);
        }
        finally
        {
            System.setOut(console);
        }
        final String output = copy.toString(StandardCharsets.UTF_8);
        final boolean clean = output.contains("Failed tests: No matches.") && output.contains("Error tests: No matches.");
        if (!clean)
        {
            console.println("jcstress: some tests FAILED or ERRORED, see the report above and target/jcstress-results");
            System.exit(1);
        }
    }

    private static final class Tee extends OutputStream
    {
        private final OutputStream first;
        private final OutputStream second;

        Tee(final OutputStream first, final OutputStream second)
        {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(final int b) throws java.io.IOException
        {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) throws java.io.IOException
        {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws java.io.IOException
        {
            first.flush();
            second.flush();
        }
    }
}
