using EdgeGate.Core.Persons;
using EdgeGate.Imaging;
using EdgeGate.Recognition.Enrolment;
using EdgeGate.Storage;
using EdgeGate.Vision.Faces;
using EdgeGate.Vision.Models;

namespace EdgeGate.Tools.Demo;

/// <summary>One person of the demo: a face cut from a sample photo, and how the store knows them.</summary>
internal sealed record DemoResident(string Role, Person? Person, string FacePath);

/// <summary>
/// Builds the demo's residents from the MIT-licensed sample group photos: the largest clear faces
/// are cut out (with the context the liveness model needs) and enrolled as a valid resident, a
/// resident whose stay has ended, a watch-listed visitor, and one face that is never enrolled.
/// </summary>
internal static class DemoResidents
{
    public static IReadOnlyList<string> Roles { get; } = ["valid resident", "expired resident", "watch-listed visitor", "stranger"];

    /// <summary>Who records the demo residents' consent to face recognition.</summary>
    private const string DemoConsentRecorder = "demo (sample photos)";

    public static IReadOnlyList<string> CutFaces(string samplesDirectory, string facesDirectory)
    {
        var samples = Directory.Exists(samplesDirectory) ? Directory.GetFiles(samplesDirectory, "*.jpg").Order(StringComparer.Ordinal).ToList() : [];
        if (samples.Count == 0)
        {
            throw new InvalidOperationException($"no sample photos in {samplesDirectory}: run ./build.sh setup (it fetches them)");
        }
        Directory.CreateDirectory(facesDirectory);
        using var pipeline = FacePipeline.Load(ModelCatalog.Locate(), new FacePipelineOptions { ComputeLiveness = true });
        var candidates = new List<(string Sample, int Size, byte[] Jpeg)>();
        foreach (var sample in samples)
        {
            using var image = BgrImage.Load(sample);
            var frame = image.AsReadOnlySpan();
            foreach (var face in pipeline.Analyse(frame))
            {
                var box = face.SquareBox;
                if (box.Width < 80 || face.ProbabilityReal is not >= 0.5f || face.Quality.Sharpness < 40)
                {
                    continue;
                }
                // Up to three face widths around the face (the liveness model looks at the context),
                // less where a neighbour's face would come into the crop: each crop shows one person.
                foreach (var widths in new[] { 3.0, 2.4, 1.9 })
                {
                    var side = Math.Min(Math.Min((int)(box.Width * widths), image.Width), image.Height);
                    var x = Math.Clamp(box.X + box.Width / 2 - side / 2, 0, image.Width - side);
                    var y = Math.Clamp(box.Y + box.Height / 2 - side / 2, 0, image.Height - side);
                    var jpeg = ImageOps.EncodeJpeg(frame.Slice(x, y, side, side), 92);
                    using var crop = BgrImage.Decode(jpeg);
                    if (pipeline.Analyse(crop.AsReadOnlySpan()).Count == 1)
                    {
                        candidates.Add((sample, box.Width, jpeg));
                        break;
                    }
                }
            }
        }
        // One face per sample photo first, largest faces first, so the four people differ.
        var chosen = candidates
            .GroupBy(candidate => candidate.Sample)
            .Select(group => group.MaxBy(candidate => candidate.Size))
            .OrderByDescending(candidate => candidate.Size)
            .Take(Roles.Count)
            .ToList();
        if (chosen.Count < Roles.Count)
        {
            throw new InvalidOperationException($"only {chosen.Count} usable faces found in the sample photos; the demo needs {Roles.Count}");
        }
        var paths = new List<string>();
        for (var i = 0; i < chosen.Count; i++)
        {
            var path = Path.Combine(facesDirectory, $"face{i + 1}.jpg");
            File.WriteAllBytes(path, chosen[i].Jpeg);
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>Enrols the first three faces with their roles; the fourth stays a stranger.</summary>
    public static async Task<IReadOnlyList<DemoResident>> EnrolAsync(EdgeGateDatabase database, IReadOnlyList<string> faces, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var people = new[]
        {
            new Person { Id = "demo-101", DisplayName = "Ana Lima", Unit = "A-101", ValidFrom = now.AddDays(-30), ValidUntil = now.AddYears(1), ConsentAt = now, ConsentRecordedBy = DemoConsentRecorder },
            new Person { Id = "demo-102", DisplayName = "Ben Okafor", Unit = "B-204", ValidFrom = now.AddYears(-1), ValidUntil = now.AddDays(-1), ConsentAt = now, ConsentRecordedBy = DemoConsentRecorder },
            new Person
            {
                Id = "demo-900", DisplayName = "Cleo Marsh", Category = PersonCategory.Visitor, ValidFrom = now.AddDays(-1), ValidUntil = now.AddDays(30),
                WatchListed = true, WatchListNote = "flagged by the property office", ConsentAt = now, ConsentRecordedBy = DemoConsentRecorder,
            },
        };
        using var pipeline = FacePipeline.Load(ModelCatalog.Locate(), new FacePipelineOptions { ComputeLiveness = false });
        using var enrolment = new EnrolmentService(database, pipeline);
        var residents = new List<DemoResident>();
        for (var i = 0; i < people.Length; i++)
        {
            var outcome = await enrolment.EnrolAsync(people[i], [await EnrolmentPhoto.ReadAsync(faces[i], cancellationToken)], cancellationToken);
            if (!outcome.Succeeded)
            {
                throw new InvalidOperationException($"demo enrolment of {people[i].DisplayName} failed: {outcome.Status} {outcome.Message}");
            }
            residents.Add(new DemoResident(Roles[i], people[i], faces[i]));
        }
        await database.Cards.IssueAsync("DEMO0101", "demo-101", now.AddDays(-1), cancellationToken);
        residents.Add(new DemoResident(Roles[3], null, faces[3]));
        return residents;
    }
}
