package io.ringcast.engine;

/**
 * Thrown when an event handed to the engine is malformed: an invalid topic, type, audience or attribute.
 * The message names the field and says what is accepted. Nothing is published when it is thrown.
 */
public final class InvalidEventException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    public InvalidEventException(final String message)
    {
        super(message);
    }
}
