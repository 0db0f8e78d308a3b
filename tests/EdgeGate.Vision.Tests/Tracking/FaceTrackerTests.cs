using System.Drawing;
using EdgeGate.Vision.Tracking;

namespace EdgeGate.Vision.Tests.Tracking;

public sealed class FaceTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(100);

    private static FaceTracker NewTracker(int maximumMissedFrames = 2) =>
        new(new TrackerRules(MinimumOverlap: 0.3f, MaximumMissedFrames: maximumMissedFrames, MaximumMissedTime: TimeSpan.FromSeconds(1)),
            new VoteRules(3, 5));

    [Fact]
    public void A_face_moving_slowly_keeps_its_track()
    {
        var tracker = NewTracker();
        var ids = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            var tracks = tracker.Update([new RectangleF(100 + (i * 5), 100, 80, 80)], Start + (i * Frame));
            ids.Add(Assert.Single(tracks).Id);
        }
        Assert.All(ids, id => Assert.Equal(1, id));
        Assert.Equal(10, Assert.Single(tracker.Tracks).FramesSeen);
        Assert.Equal(Start, tracker.Tracks[0].FirstSeenAt);
    }

    [Fact]
    public void Two_faces_get_two_tracks_and_keep_them_when_listed_in_another_order()
    {
        var tracker = NewTracker();
        var left = new RectangleF(50, 100, 80, 80);
        var right = new RectangleF(400, 100, 80, 80);
        var first = tracker.Update([left, right], Start);
        var second = tracker.Update([right with { X = 405 }, left with { X = 52 }], Start + Frame);

        Assert.NotEqual(first[0].Id, first[1].Id);
        Assert.Equal(first[1].Id, second[0].Id);
        Assert.Equal(first[0].Id, second[1].Id);
    }

    [Fact]
    public void A_track_survives_short_misses_and_ends_after_too_many()
    {
        var tracker = NewTracker(maximumMissedFrames: 2);
        var box = new RectangleF(100, 100, 80, 80);
        var id = tracker.Update([box], Start)[0].Id;
        tracker.Update([], Start + Frame);
        tracker.Update([], Start + (2 * Frame));
        Assert.Equal(id, tracker.Update([box], Start + (3 * Frame))[0].Id);

        var ended = new List<FaceTrack>();
        for (var i = 4; i <= 6; i++)
        {
            tracker.Update([], Start + (i * Frame), ended);
        }
        Assert.Equal(id, Assert.Single(ended).Id);
        Assert.Empty(tracker.Tracks);

        // The same person coming back is a new presence: a new track.
        Assert.NotEqual(id, tracker.Update([box], Start + (7 * Frame))[0].Id);
    }

    [Fact]
    public void A_jump_to_another_place_starts_a_new_track()
    {
        var tracker = NewTracker();
        var first = tracker.Update([new RectangleF(0, 0, 50, 50)], Start)[0];
        var second = tracker.Update([new RectangleF(300, 300, 50, 50)], Start + Frame)[0];
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(2, tracker.Tracks.Count);
    }

    [Fact]
    public void Idle_tracks_expire_when_frames_stop_coming()
    {
        var tracker = NewTracker(maximumMissedFrames: 100);
        tracker.Update([new RectangleF(0, 0, 50, 50)], Start);
        var ended = new List<FaceTrack>();
        tracker.ExpireIdle(Start + TimeSpan.FromMilliseconds(900), ended);
        Assert.Empty(ended);
        tracker.ExpireIdle(Start + TimeSpan.FromSeconds(2), ended);
        Assert.Single(ended);
        Assert.Empty(tracker.Tracks);
    }

    [Theory]
    [InlineData(0, 0, 10, 10, 0, 0, 10, 10, 1.0)]
    [InlineData(0, 0, 10, 10, 5, 0, 10, 10, 50.0 / 150.0)]
    [InlineData(0, 0, 10, 10, 10, 0, 10, 10, 0.0)]
    [InlineData(0, 0, 0, 0, 0, 0, 0, 0, 0.0)]
    public void Intersection_over_union(float x1, float y1, float w1, float h1, float x2, float y2, float w2, float h2, double expected) =>
        Assert.Equal(expected, FaceTracker.IntersectionOverUnion(new RectangleF(x1, y1, w1, h1), new RectangleF(x2, y2, w2, h2)), 5);
}
