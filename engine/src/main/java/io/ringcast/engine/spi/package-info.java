/**
 * Service-provider interfaces for modules that extend the engine without the engine, or the transport, depending on
 * them: replication across replicas ({@link io.ringcast.engine.spi.ReplicationProvider}).
 */
package io.ringcast.engine.spi;
