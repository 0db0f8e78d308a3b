using EdgeGate.Core.Access;

namespace EdgeGate.Core.Tests.Access;

public sealed class AccessReasonCodesTests
{
    public static TheoryData<AccessReason, string> Codes() => new()
    {
        { AccessReason.GrantedFace, "GRANTED_FACE" },
        { AccessReason.GrantedCard, "GRANTED_CARD" },
        { AccessReason.GrantedRemote, "GRANTED_REMOTE" },
        { AccessReason.GrantedExit, "GRANTED_EXIT" },
        { AccessReason.DeniedUnknown, "DENIED_UNKNOWN" },
        { AccessReason.DeniedSpoof, "DENIED_SPOOF" },
        { AccessReason.DeniedExpired, "DENIED_EXPIRED" },
        { AccessReason.DeniedNotYetValid, "DENIED_NOT_YET_VALID" },
        { AccessReason.DeniedRevoked, "DENIED_REVOKED" },
        { AccessReason.DeniedSuspended, "DENIED_SUSPENDED" },
        { AccessReason.DeniedSchedule, "DENIED_SCHEDULE" },
        { AccessReason.DeniedPassback, "DENIED_PASSBACK" },
        { AccessReason.DeniedDoorDisabled, "DENIED_DOOR_DISABLED" },
        { AccessReason.AlertWatchList, "ALERT_WATCHLIST" },
        { AccessReason.SuppressedCooldown, "SUPPRESSED_COOLDOWN" },
    };

    [Theory]
    [MemberData(nameof(Codes))]
    public void Code_is_exact_and_round_trips(AccessReason reason, string code)
    {
        Assert.Equal(code, reason.ToCode());
        Assert.True(AccessReasonCodes.TryParse(code, out var parsed));
        Assert.Equal(reason, parsed);
    }

    [Fact]
    public void Every_reason_has_a_distinct_code_in_the_table()
    {
        var table = Codes().Select(row => (AccessReason)row[0]).ToHashSet();
        Assert.Equal(Enum.GetValues<AccessReason>().ToHashSet(), table);
        Assert.Equal(AccessReasonCodes.All.Count, AccessReasonCodes.All.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Enum.GetValues<AccessReason>().Length, AccessReasonCodes.All.Count);
    }

    [Theory]
    [InlineData("granted_face")]
    [InlineData("GrantedFace")]
    [InlineData(" GRANTED_FACE")]
    [InlineData("")]
    [InlineData(null)]
    public void Only_exact_codes_parse(string? code)
    {
        Assert.False(AccessReasonCodes.TryParse(code, out _));
    }

    [Fact]
    public void Undefined_reason_has_no_code()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((AccessReason)999).ToCode());
    }
}
