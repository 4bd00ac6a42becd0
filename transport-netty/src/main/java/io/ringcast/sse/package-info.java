/**
 * The Ringcast SSE hub: a Netty HTTP/1.1 server in front of one {@link io.ringcast.engine.Engine}.
 *
 * <p>Public entry points: {@link io.ringcast.sse.RingcastServer} (start, port, engine, close), its settings
 * {@link io.ringcast.sse.ServerConfig}. Everything else is package-private. This module is a library: it logs through
 * the SLF4J API only and finds a relay at runtime through the engine's SPI; the runnable jar, its command line and its
 * logging backend are the {@code ringcast-server} module's. The pipeline order is written down in {@code ServerInitializer}; the delivery path (one engine
 * subscription per stream, one drain task per wake-up, frames encoded once and copied into one buffer per flush) in
 * {@code SseStream}.
 */
package io.ringcast.sse;
