package io.ringcast.sse;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * The server's TLS context, built with Netty's {@link SslContextBuilder} from a PEM certificate chain and key, offering
 * {@code h2} and {@code http/1.1} by ALPN (TLS 1.3 and 1.2, the HTTP/2 cipher suites of RFC 7540 9.2). It is rebuilt
 * when either file changes ({@link #reloadIfChanged()}, called every {@value #RELOAD_CHECK_SECONDS} s by the server):
 * new connections get the new certificate, open ones keep theirs, and a pair that does not load is logged and
 * ignored until the files change again.
 *
 * <p>Thread-safety: {@link #newHandler} from any event loop; {@link #reloadIfChanged()} from one thread at a time; the
 * current context is published through a volatile field.
 */
final class TlsContext
{
    static final long RELOAD_CHECK_SECONDS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(TlsContext.class);

    private final Path certFile;
    private final Path keyFile;
    private final long handshakeTimeoutMs;
    private volatile SslContext context;
    private FileTime certModified;
    private FileTime keyModified;

    private TlsContext(final Path certFile, final Path keyFile, final long handshakeTimeoutMs)
    {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
    }

    /**
     * @return the context for the config's certificate and key, or {@code null} when TLS is off.
     * @throws IllegalArgumentException when the files do not hold a usable certificate and key.
     */
    static TlsContext of(final ServerConfig config)
    {
        if (!config.tlsEnabled())
        {
            return null;
        }
        final TlsContext tls = new TlsContext(config.tlsCert(), config.tlsKey(), config.requestTimeoutMs());
        try
        {
            tls.load();
        }
        catch (final IOException | RuntimeException e)
        {
            throw new IllegalArgumentException("--tls-cert " + config.tlsCert() + " / --tls-key " + config.tlsKey() +
                " cannot be loaded (a PEM certificate chain and its unencrypted PKCS#8 'PRIVATE KEY' are needed): " +
                e.getMessage(), e);
        }
        return tls;
    }

    /** @return a handler for one new connection, with the current certificate. */
    SslHandler newHandler(final ByteBufAllocator alloc)
    {
        final SslHandler handler = context.newHandler(alloc);
        handler.setHandshakeTimeout(handshakeTimeoutMs, TimeUnit.MILLISECONDS);
        return handler;
    }

    /** Rebuilds the context when the certificate or key file changed since the last load; keeps the old on failure. */
    void reloadIfChanged()
    {
        try
        {
            if (Files.getLastModifiedTime(certFile).equals(certModified) &&
                Files.getLastModifiedTime(keyFile).equals(keyModified))
            {
                return;
            }
            load();
            LOG.info("TLS certificate reloaded from {}", certFile);
        }
        catch (final IOException | RuntimeException e)
        {
            LOG.warn("TLS certificate {} / key {} changed but cannot be loaded, keeping the previous one: {}", certFile,
                keyFile, e.toString());
            rememberModified();
        }
    }

    private void load() throws IOException
    {
        final FileTime cert = Files.getLastModifiedTime(certFile);
        final FileTime key = Files.getLastModifiedTime(keyFile);
        context = SslContextBuilder.forServer(certFile.toFile(), keyFile.toFile())
            .sslProvider(SslProvider.JDK)
            .protocols("TLSv1.3", "TLSv1.2")
            .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(new ApplicationProtocolConfig(
                ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                ApplicationProtocolNames.HTTP_2,
                ApplicationProtocolNames.HTTP_1_1))
            .build();
        certModified = cert;
        keyModified = key;
    }

    private void rememberModified()
    {
        try
        {
            certModified = Files.getLastModifiedTime(certFile);
            keyModified = Files.getLastModifiedTime(keyFile);
        }
        catch (final IOException ignored)
        {
            // the files are gone: the next check sees a change again once they are back
        }
    }
}
