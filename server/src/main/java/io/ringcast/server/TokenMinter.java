package io.ringcast.server;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ringcast.sse.ServerConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * Mints the JWT a {@link TokenRequest} describes, signed with the key the server is configured with: HS256 with its
 * {@code --jwt-secret}, or, when it verifies with a public key ({@code --jwt-key-file}), RS256 / ES256-512 with the
 * matching private key. The claims are the ones the server reads: {@code sub}, {@code subscribe}, {@code publish},
 * {@code publish_private}, {@code iat}, {@code exp}, and {@code aud} / {@code iss} when the server checks them. Stateless.
 */
final class TokenMinter
{
    private TokenMinter()
    {
    }

    /**
     * @param config  the server's configuration (its key).
     * @param request what to grant and for how long.
     * @param now     the issue time.
     * @return the compact JWS.
     * @throws CommandLine.UsageException when no usable key is configured, saying what to give.
     */
    static String mint(final ServerConfig config, final TokenRequest request, final Instant now)
    {
        final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(request.ttl())));
        if (request.subject() != null)
        {
            claims.subject(request.subject());
        }
        if (!request.subscribe().isEmpty())
        {
            claims.claim("subscribe", request.subscribe());
        }
        if (!request.publish().isEmpty())
        {
            claims.claim("publish", request.publish());
        }
        if (!request.publishPrivate().isEmpty())
        {
            claims.claim("publish_private", request.publishPrivate());
        }
        if (config.jwtAudience() != null)
        {
            claims.audience(config.jwtAudience());
        }
        if (config.jwtIssuer() != null)
        {
            claims.issuer(config.jwtIssuer());
        }
        final Signing signing = signing(config, request);
        final SignedJWT jwt = new SignedJWT(
            new JWSHeader.Builder(signing.algorithm()).type(JOSEObjectType.JWT).build(), claims.build());
        try
        {
            jwt.sign(signing.signer());
        }
        catch (final JOSEException e)
        {
            throw new CommandLine.UsageException("token: cannot sign: " + e.getMessage());
        }
        return jwt.serialize();
    }

    private record Signing(JWSAlgorithm algorithm, JWSSigner signer)
    {
    }

    private static Signing signing(final ServerConfig config, final TokenRequest request)
    {
        if (config.jwtSecret() != null && config.jwtKeyFile() != null)
        {
            throw new CommandLine.UsageException("token: give either --jwt-secret or --jwt-key-file, not both");
        }
        if (config.jwtSecret() != null)
        {
            final byte[] secret = config.jwtSecret().getBytes(StandardCharsets.UTF_8);
            if (secret.length < ServerConfig.MIN_JWT_SECRET_BYTES)
            {
                throw new CommandLine.UsageException("token: the JWT secret must be at least " +
                    ServerConfig.MIN_JWT_SECRET_BYTES + " bytes for HS256, as the server requires");
            }
            try
            {
                return new Signing(JWSAlgorithm.HS256, new MACSigner(secret));
            }
            catch (final JOSEException e)
            {
                throw new CommandLine.UsageException("token: the JWT secret is refused: " + e.getMessage());
            }
        }
        if (config.jwtKeyFile() != null)
        {
            if (request.privateKey() == null)
            {
                throw new CommandLine.UsageException("token: this server verifies tokens with the public key in " +
                    "--jwt-key-file " + config.jwtKeyFile() + "; give the matching private key with --private-key FILE");
            }
            return privateKeySigning(request.privateKey());
        }
        throw new CommandLine.UsageException("token: no key is configured; set --jwt-secret (or RINGCAST_JWT_SECRET, " +
            "HS256, at least " + ServerConfig.MIN_JWT_SECRET_BYTES + " bytes) as the server has it, or --jwt-key-file " +
            "with --private-key");
    }

    private static Signing privateKeySigning(final Path file)
    {
        final PrivateKey key = readPrivateKey(file);
        if (key instanceof RSAPrivateKey rsa)
        {
            return new Signing(JWSAlgorithm.RS256, new RSASSASigner(rsa));
        }
        if (key instanceof ECPrivateKey ec)
        {
            final Curve curve = Curve.forECParameterSpec(ec.getParams());
            final JWSAlgorithm algorithm;
            if (Curve.P_256.equals(curve))
            {
                algorithm = JWSAlgorithm.ES256;
            }
            else if (Curve.P_384.equals(curve))
            {
                algorithm = JWSAlgorithm.ES384;
            }
            else if (Curve.P_521.equals(curve))
            {
                algorithm = JWSAlgorithm.ES512;
            }
            else
            {
                throw new CommandLine.UsageException("token: --private-key " + file +
                    " is an EC key on a curve JWT does not use; P-256, P-384 or P-521 are accepted");
            }
            try
            {
                return new Signing(algorithm, new ECDSASigner(ec));
            }
            catch (final JOSEException e)
            {
                throw new CommandLine.UsageException("token: --private-key " + file + " is refused: " + e.getMessage());
            }
        }
        throw new CommandLine.UsageException("token: --private-key " + file + " holds a " + key.getAlgorithm() +
            " key; RSA or EC keys are accepted");
    }

    /**
     * @param file a PEM {@code PRIVATE KEY} (PKCS#8, RSA or EC) or a JWK JSON object with its private part.
     * @return the key.
     */
    static PrivateKey readPrivateKey(final Path file)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        }
        catch (final IOException e)
        {
            throw new CommandLine.UsageException("token: cannot read --private-key " + file + ": " + e.getMessage());
        }
        try
        {
            if (text.startsWith("{"))
            {
                final JWK jwk = JWK.parse(text);
                final PrivateKey key = jwk instanceof RSAKey rsa ? rsa.toRSAPrivateKey() :
                    jwk instanceof ECKey ec ? ec.toECPrivateKey() : null;
                if (key == null)
                {
                    throw new CommandLine.UsageException("token: --private-key " + file +
                        " is a JWK without a private RSA or EC part");
                }
                return key;
            }
            if (text.startsWith("-----BEGIN RSA PRIVATE KEY-----") || text.startsWith("-----BEGIN EC PRIVATE KEY-----"))
            {
                throw new CommandLine.UsageException("token: --private-key " + file + " is in the traditional " +
                    "OpenSSL format; convert it to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
            }
            if (!text.startsWith("-----BEGIN PRIVATE KEY-----"))
            {
                throw new CommandLine.UsageException("token: --private-key " + file +
                    " must hold a PEM '-----BEGIN PRIVATE KEY-----' block (PKCS#8, unencrypted) or a JWK JSON object");
            }
            final byte[] der = Base64.getMimeDecoder().decode(
                text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
            final PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
            try
            {
                return KeyFactory.getInstance("RSA").generatePrivate(spec);
            }
            catch (final java.security.spec.InvalidKeySpecException notRsa)
            {
                return KeyFactory.getInstance("EC").generatePrivate(spec);
            }
        }
        catch (final ParseException | JOSEException | GeneralSecurityException | IllegalArgumentException e)
        {
            throw new CommandLine.UsageException("token: --private-key " + file + " is not a usable private key: " +
                e.getMessage());
        }
    }
}
