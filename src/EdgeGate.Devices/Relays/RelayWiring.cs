namespace EdgeGate.Devices.Relays;

/// <summary>What the lock does without power.</summary>
public enum LockPowering
{
    /// <summary>Locked without power, power releases it (electric strike, motor lock). Stays locked in a power cut.</summary>
    FailSecure,
    /// <summary>Released without power, power holds it locked (magnetic lock). Opens in a power cut and on fire-alarm release.</summary>
    FailSafe,
}

/// <summary>Which relay contact the lock's power runs through.</summary>
public enum RelayContact
{
    /// <summary>NO/COM: the circuit closes while the relay coil is energised.</summary>
    NormallyOpen,
    /// <summary>NC/COM: the circuit opens while the relay coil is energised.</summary>
    NormallyClosed,
}

/// <summary>
/// Maps "released" (unlocked, whatever the wiring) to the relay state. The usual wirings — a
/// fail-secure strike on NO, a fail-safe maglock on NC — both release with the relay energised;
/// the crossed ones release with it de-energised:
/// <code>
///   lock        contact   relay ON means
///   FailSecure  NO        released   (default)
///   FailSecure  NC        locked
///   FailSafe    NC        released
///   FailSafe    NO        locked
/// </code>
/// </summary>
public sealed record RelayWiring(LockPowering Lock = LockPowering.FailSecure, RelayContact Contact = RelayContact.NormallyOpen)
{
    /// <summary>The relay state (true = coil energised) that releases the door.</summary>
    public bool ReleasedRelayState => (Lock, Contact) is (LockPowering.FailSecure, RelayContact.NormallyOpen) or (LockPowering.FailSafe, RelayContact.NormallyClosed);

    /// <summary>The relay state for <paramref name="released"/>.</summary>
    public bool RelayStateFor(bool released) => released ? ReleasedRelayState : !ReleasedRelayState;
}
