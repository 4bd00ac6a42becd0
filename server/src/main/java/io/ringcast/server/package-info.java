/**
 * The runnable Ringcast server: {@link io.ringcast.server.Main} composes the SSE hub ({@code ringcast-transport-netty})
 * with the PostgreSQL relay (found at runtime), reads its flags and environment ({@code CommandLine}), logs through
 * logback and stops cleanly on SIGTERM ({@code StopSignals}). Nothing here is meant to be embedded: embed
 * {@link io.ringcast.sse.RingcastServer} instead.
 */
package io.ringcast.server;
