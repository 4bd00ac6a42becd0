package io.ringcast.server;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ringcast-server token}: the options of the subcommand that mints a JWT for the configured key
 * ({@link TokenMinter}). picocli fills the fields; {@link #request()} turns them into a {@link TokenRequest}. One
 * instance per parse, on the parsing thread.
 */
@Command(name = "token", mixinStandardHelpOptions = true, usageHelpWidth = 110,
    description = {
        "Mints a JWT that this server accepts and prints it on stdout (a summary goes to stderr).",
        "The key is the server's own: --jwt-secret / RINGCAST_JWT_SECRET (HS256), or, for a server started with",
        "--jwt-key-file (a public key), the matching private key given with --private-key.",
        "",
        "Example: TOKEN=$(ringcast-server token --sub alice --subscribe 'orders/*' --publish 'orders/*' --ttl 1h)"})
final class TokenCommand
{
    @Option(names = "--sub", paramLabel = "USER",
        description = "the user (claim 'sub'): events published with \"user\":\"USER\" reach this token's streams only")
    String subject;

    @Option(names = "--subscribe", paramLabel = "PATTERN", split = ",",
        description = "a topic or prefix pattern (orders/*, * for all) the token may stream; repeat or comma-separate")
    List<String> subscribe = new ArrayList<>();

    @Option(names = "--publish", paramLabel = "PATTERN", split = ",",
        description = "a topic or prefix pattern the token may publish to; repeat or comma-separate")
    List<String> publish = new ArrayList<>();

    @Option(names = "--publish-private", paramLabel = "PATTERN", split = ",",
        description = "a topic pattern on which the token may address private events to any user (claim " +
            "'publish_private'); without it a token addresses private events to its own user only")
    List<String> publishPrivate = new ArrayList<>();

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "1h",
        description = "how long the token is valid: 90s, 15m, 12h, 7d or ISO-8601 (PT1H) (default: ${DEFAULT-VALUE})")
    String ttl;

    @Option(names = "--private-key", paramLabel = "FILE",
        description = "PEM 'PRIVATE KEY' (PKCS#8) or JWK with its private part, matching --jwt-key-file")
    Path privateKey;

    /**
     * @return the request the options describe.
     * @throws CommandLine.UsageException for a bad duration or a token that would grant nothing.
     */
    TokenRequest request()
    {
        if (subscribe.isEmpty() && publish.isEmpty())
        {
            throw new CommandLine.UsageException(
                "token: give --subscribe and/or --publish (topic patterns); a token without them grants nothing");
        }
        for (final String pattern : concat(concat(subscribe, publish), publishPrivate))
        {
            if (pattern.isBlank())
            {
                throw new CommandLine.UsageException("token: an empty topic pattern in --subscribe / --publish / --publish-private");
            }
        }
        if (subject != null && subject.isBlank())
        {
            throw new CommandLine.UsageException("token: --sub must not be empty");
        }
        return new TokenRequest(subject, trimmed(subscribe), trimmed(publish), duration(ttl), privateKey,
            trimmed(publishPrivate));
    }

    /**
     * @param text {@code 90s}, {@code 15m}, {@code 12h}, {@code 7d}, a number of seconds, or ISO-8601 ({@code PT1H}).
     * @return the positive duration.
     */
    static Duration duration(final String text)
    {
        final String t = text.trim().toLowerCase(Locale.ROOT);
        final Duration d;
        try
        {
            if (t.startsWith("p"))
            {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            else if (t.matches("\\d+"))
            {
                d = Duration.ofSeconds(Long.parseLong(t));
            }
            else if (t.matches("\\d+[smhd]"))
            {
                final long n = Long.parseLong(t.substring(0, t.length() - 1));
                d = switch (t.charAt(t.length() - 1))
                {
                    case 'm' -> Duration.ofMinutes(n);
                    case 'h' -> Duration.ofHours(n);
                    case 'd' -> Duration.ofDays(n);
                    default -> Duration.ofSeconds(n);
                };
            }
            else
            {
                throw new CommandLine.UsageException("token: --ttl '" + text +
                    "' is not a duration; use 90s, 15m, 12h, 7d or ISO-8601 such as PT1H");
            }
        }
        catch (final DateTimeParseException | ArithmeticException | NumberFormatException e)
        {
            throw new CommandLine.UsageException("token: --ttl '" + text +
                "' is not a duration; use 90s, 15m, 12h, 7d or ISO-8601 such as PT1H");
        }
        if (d.isNegative() || d.isZero())
        {
            throw new CommandLine.UsageException("token: --ttl must be positive, got '" + text + "'");
        }
        return d;
    }

    private static List<String> trimmed(final List<String> patterns)
    {
        return patterns.stream().map(String::trim).toList();
    }

    private static List<String> concat(final List<String> a, final List<String> b)
    {
        final List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
