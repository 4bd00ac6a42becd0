/**
 * Service-provider interfaces for modules that extend the engine without the engine, or the transport, depending on
 * them: replication across replicas ({@link io.ringcast.engine.spi.ReplicationProvider}) and the local durable store
 * ({@link io.ringcast.engine.spi.DurableStoreProvider}: the journal), which meet through
 * {@link io.ringcast.engine.spi.Replication#useJournal}.
 */
package io.ringcast.engine.spi;
