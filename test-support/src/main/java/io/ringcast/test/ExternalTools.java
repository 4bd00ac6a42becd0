package io.ringcast.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Command-line tools the tests drive (curl with HTTP/2, openssl, nginx): found on the PATH, else installed with apt-get
 * (we run as root), else the test fails with a message saying what to install. Never skips.
 */
public final class ExternalTools
{
    private ExternalTools()
    {
    }

    /**
     * @param command the executable, for example {@code curl}.
     * @param aptPackage the Debian package that provides it.
     * @return the executable's path.
     */
    public static synchronized Path ensure(final String command, final String aptPackage) throws Exception
    {
        Path found = find(command);
        if (found != null)
        {
            return found;
        }
        final Path log = aptInstall(aptPackage);
        found = find(command);
        if (found == null)
        {
            throw new AssertionError("apt-get installed " + aptPackage + " but '" + command + "' is still not on the " +
                "PATH; see " + log);
        }
        return found;
    }

    /**
     * Installs a Debian package with apt-get, without starting any service it brings (the tests start their own).
     *
     * @return the log of the installation.
     * @throws AssertionError saying what to install by hand when apt-get fails.
     */
    public static synchronized Path aptInstall(final String aptPackage) throws Exception
    {
        final Path log = Files.createTempFile("apt-install-" + aptPackage, ".log");
        final Path policy = Path.of("/usr/sbin/policy-rc.d");
        final boolean ownPolicy = !Files.exists(policy);
        if (ownPolicy)
        {
            Files.writeString(policy, "#!/bin/sh\nexit 101\n");
            policy.toFile().setExecutable(true);
        }
        try
        {
            for (final List<String> step : List.of(List.of("apt-get", "update"),
                List.of("apt-get", "install", "-y", "--no-install-recommends", aptPackage)))
            {
                final ProcessBuilder pb = new ProcessBuilder(step).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
                final Process p = pb.start();
                if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0)
                {
                    p.destroyForcibly();
                    throw new AssertionError("this test needs the Debian package " + aptPackage + "; '" +
                        String.join(" ", step) + "' failed (are we root with apt access?), see " + log +
                        ". Install it yourself: apt-get install " + aptPackage);
                }
            }
        }
        finally
        {
            if (ownPolicy)
            {
                Files.deleteIfExists(policy);
            }
        }
        return log;
    }

    private static Path find(final String command)
    {
        for (final String dir : (System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin").split(":"))
        {
            final Path candidate = Path.of(dir, command);
            if (Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /** Runs a command to completion; fails with its output when it does not exit 0. */
    public static String run(final List<String> command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0)
        {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    /**
     * Writes a self-signed certificate for {@code localhost} and 127.0.0.1 ({@code cert.pem}) and its PKCS#8 key
     * ({@code key.pem}) into {@code dir}, with openssl.
     *
     * @param commonName the certificate's subject CN.
     */
    public static void selfSignedCertificate(final Path dir, final String commonName) throws Exception
    {
        final Path openssl = ensure("openssl", "openssl");
        final Path key = dir.resolve("key.pem.tmp");
        final Path cert = dir.resolve("cert.pem.tmp");
        run(List.of(openssl.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + commonName,
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"));
        // replaced whole, key first, as an operator's renewal would: the server reloads once both have changed
        Files.move(key, dir.resolve("key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.move(cert, dir.resolve("cert.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * @return a TLS context that trusts any server certificate: for tests against the self-signed certificates of
     *         {@link #selfSignedCertificate}, never for anything else.
     */
    public static javax.net.ssl.SSLContext trustingAllCertificates() throws java.security.GeneralSecurityException
    {
        final javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager()
        {
            @Override
            public void checkClientTrusted(final java.security.cert.X509Certificate[] chain, final String authType)
            {
            }

            @Override
            public void checkServerTrusted(final java.security.cert.X509Certificate[] chain, final String authType)
            {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers()
            {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        return context;
    }
}
