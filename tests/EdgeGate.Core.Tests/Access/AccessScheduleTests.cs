using EdgeGate.Core.Access;

namespace EdgeGate.Core.Tests.Access;

public sealed class AccessScheduleTests
{
    private static AccessSchedule Daily(string range) => new()
    {
        Weekly = Enum.GetValues<DayOfWeek>().ToDictionary(day => day, _ => (IReadOnlyList<TimeRange>)[TimeRange.Parse(range)]),
    };

    // Monday 23 November 2026.
    [Theory]
    [InlineData("08:00-17:00", "08:00:00", true)]
    [InlineData("08:00-17:00", "07:59:59", false)]
    [InlineData("08:00-17:00", "16:59:59", true)]
    [InlineData("08:00-17:00", "17:00:00", false)]
    [InlineData("22:00-06:00", "22:00:00", true)]
    [InlineData("22:00-06:00", "21:59:59", false)]
    [InlineData("22:00-06:00", "00:00:00", true)]
    [InlineData("22:00-06:00", "05:59:59", true)]
    [InlineData("22:00-06:00", "06:00:00", false)]
    [InlineData("08:00-00:00", "23:59:59", true)]
    [InlineData("08:00-00:00", "00:00:00", false)]
    [InlineData("00:00-00:00", "00:00:00", true)]
    [InlineData("00:00-00:00", "12:00:00", true)]
    [InlineData("00:00-00:00", "23:59:59", true)]
    [InlineData("22:00-22:00", "21:59:59", true)]
    [InlineData("22:00-22:00", "22:00:00", true)]
    [InlineData("00:00-06:00", "05:59:59", true)]
    [InlineData("00:00-06:00", "06:00:00", false)]
    public void Daily_range_boundaries(string range, string time, bool open)
    {
        var local = new DateTime(new DateOnly(2026, 11, 23), TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(open, Daily(range).IsOpenAt(local));
    }

    [Fact]
    public void Sunday_night_range_continues_into_monday()
    {
        var schedule = new AccessSchedule
        {
            Weekly = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>> { [DayOfWeek.Sunday] = [TimeRange.Parse("22:00-06:00")] },
        };

        Assert.True(schedule.IsOpenAt(new DateTime(2026, 11, 22, 23, 0, 0)));  // Sunday
        Assert.True(schedule.IsOpenAt(new DateTime(2026, 11, 23, 5, 0, 0)));   // Monday morning
        Assert.False(schedule.IsOpenAt(new DateTime(2026, 11, 23, 23, 0, 0))); // Monday night: no Monday range
        Assert.False(schedule.IsOpenAt(new DateTime(2026, 11, 22, 5, 0, 0)));  // Sunday morning: no Saturday range
    }

    [Fact]
    public void Day_not_listed_is_closed_and_always_is_open()
    {
        Assert.False(new AccessSchedule().IsOpenAt(new DateTime(2026, 11, 23, 12, 0, 0)));
        Assert.True(AccessSchedule.Always.IsOpenAt(new DateTime(2026, 11, 23, 12, 0, 0)));
        Assert.True(AccessSchedule.Always.IsOpenAt(DateTime.MinValue));
        Assert.False(Daily("22:00-06:00").IsOpenAt(DateTime.MinValue.AddHours(12)));
    }

    [Fact]
    public void Several_ranges_on_one_day()
    {
        var schedule = new AccessSchedule
        {
            Weekly = new Dictionary<DayOfWeek, IReadOnlyList<TimeRange>>
            {
                [DayOfWeek.Monday] = [TimeRange.Parse("06:00-09:00"), TimeRange.Parse("17:00-20:00")],
            },
        };

        Assert.True(schedule.IsOpenAt(new DateTime(2026, 11, 23, 8, 0, 0)));
        Assert.False(schedule.IsOpenAt(new DateTime(2026, 11, 23, 12, 0, 0)));
        Assert.True(schedule.IsOpenAt(new DateTime(2026, 11, 23, 17, 0, 0)));
    }

    [Theory]
    [InlineData("22:00-06:00", 22, 0, 6, 0)]
    [InlineData("07:30 – 19:15", 7, 30, 19, 15)]
    public void Parses_ranges(string text, int startHour, int startMinute, int endHour, int endMinute)
    {
        Assert.Equal(new TimeRange(new TimeOnly(startHour, startMinute), new TimeOnly(endHour, endMinute)), TimeRange.Parse(text));
    }

    [Theory]
    [InlineData("22:00")]
    [InlineData("22:00-06:00-07:00")]
    [InlineData("25:00-06:00")]
    public void Rejects_malformed_ranges(string text)
    {
        Assert.Throws<FormatException>(() => TimeRange.Parse(text));
    }
}
