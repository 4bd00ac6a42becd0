package io.ringcast.systemtest.sse;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure headless Chromium and chromedriver are installed, installing the Debian packages when they are not, and
 * failing loudly (never skipping) when that does not work. Called once from a test class setup.
 */
final class Chromium
{
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium()
    {
    }

    static synchronized void ensureInstalled(final Path logDir) throws IOException, InterruptedException
    {
        if (Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER))
        {
            return;
        }
        final File log = logDir.resolve("apt-install-chromium.log").toFile();
        run(List.of("apt-get", "update"), log, 300);
        run(List.of("apt-get", "install", "-y", "--no-install-recommends", "chromium", "chromium-driver"), log, 600);
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER))
        {
            throw new AssertionError("apt-get installed chromium and chromium-driver but " + BROWSER + " or " + DRIVER +
                " is still missing; see " + log);
        }
    }

    private static void run(final List<String> command, final File log, final long timeoutS)
        throws IOException, InterruptedException
    {
        final ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log));
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        final Process p = pb.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutS + " s; see " + log);
        }
        if (p.exitValue() != 0)
        {
            throw new AssertionError(String.join(" ", command) + " failed with exit code " + p.exitValue() +
                " (Chromium is required for the browser test; are we root with apt access?); see " + log);
        }
    }
}
