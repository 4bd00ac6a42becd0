package io.ringcast.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code ringcast-server token} is asked to mint. Immutable.
 *
 * @param subject    the {@code sub} claim (the user private events are addressed to), or {@code null} for none.
 * @param subscribe  topic patterns the token may stream ({@code subscribe} claim).
 * @param publish    topic patterns the token may publish to ({@code publish} claim).
 * @param ttl        how long the token is valid from now ({@code exp} claim).
 * @param privateKey the private key to sign with when the server verifies with a public key, or {@code null}.
 * @param publishPrivate topic patterns on which the token may address private events to any user
 *                   ({@code publish_private} claim).
 */
record TokenRequest(String subject, List<String> subscribe, List<String> publish, Duration ttl, Path privateKey,
    List<String> publishPrivate)
{
    TokenRequest
    {
        subscribe = List.copyOf(subscribe);
        publish = List.copyOf(publish);
        publishPrivate = List.copyOf(publishPrivate);
    }

    /** A request without {@code publish_private}. */
    TokenRequest(final String subject, final List<String> subscribe, final List<String> publish, final Duration ttl,
        final Path privateKey)
    {
        this(subject, subscribe, publish, ttl, privateKey, List.of());
    }
}
