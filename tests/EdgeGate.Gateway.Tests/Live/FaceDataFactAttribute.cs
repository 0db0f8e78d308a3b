using EdgeGate.TestSupport;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>A fact that is skipped, with the reason, when ../shared/face-data is absent.</summary>
public sealed class FaceDataFactAttribute : FactAttribute
{
    public FaceDataFactAttribute()
    {
        if (RepositoryPaths.FaceDataOrNull is null)
        {
            Skip = "../shared/face-data is absent: the live recognition tests need labelled face photos";
        }
    }
}
