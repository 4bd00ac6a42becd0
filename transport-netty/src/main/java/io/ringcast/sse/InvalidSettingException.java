package io.ringcast.sse;

/**
 * A {@link ServerConfig} setting that {@link ServerConfig#validate()} refuses; {@link #setting()} names it as its flag
 * is spelt without the dashes ({@code "port"}, {@code "jwt-secret"}), so a command line can say where the value came
 * from. Immutable.
 */
public final class InvalidSettingException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final String setting;

    public InvalidSettingException(final String setting, final String message)
    {
        super(message);
        this.setting = setting;
    }

    /** @return the setting's name, as its flag without the leading dashes. */
    public String setting()
    {
        return setting;
    }
}
