using EdgeGate.Core.Access;

namespace EdgeGate.Access;

/// <summary>The access policy's settings as the decision stage reads them on every decision; a configuration reload replaces them.</summary>
public sealed class AccessSettingsSource
{
    private AccessSettings current;

    public AccessSettingsSource(AccessSettings initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        initial.Validate();
        current = initial;
    }

    public AccessSettings Current => Volatile.Read(ref current);

    public void Replace(AccessSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Volatile.Write(ref current, settings);
    }
}
