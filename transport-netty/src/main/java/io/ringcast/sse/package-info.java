/**
 * The Ringcast SSE hub: a Netty HTTP/1.1 server in front of one {@link io.ringcast.engine.Engine}.
 *
 * <p>Public entry points: {@link io.ringcast.sse.RingcastServer} (start, port, engine, close), its settings
 * {@link io.ringcast.sse.ServerConfig}, and {@link io.ringcast.sse.Main} for the runnable jar. Everything else is
 * package-private. The pipeline order is written down in {@code ServerInitializer}; the delivery path (one engine
 * subscription per stream, one drain task per wake-up, frames encoded once and copied into one buffer per flush) in
 * {@code SseStream}.
 */
package io.ringcast.sse;
