package io.ringcast.engine.spi;

/**
 * Receives named figures for exposition (Prometheus text on {@code /metrics}). Names are snake_case without a
 * prefix; the transport adds {@code ringcast_}. Labels are not supported, so cardinality stays bounded.
 */
public interface MetricSink
{
    /** A monotonically increasing count. */
    void counter(String name, String help, long value);

    /** A value that goes up and down. */
    void gauge(String name, String help, double value);
}
