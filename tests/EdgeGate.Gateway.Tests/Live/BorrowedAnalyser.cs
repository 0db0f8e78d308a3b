using System.Drawing;
using EdgeGate.Imaging;
using EdgeGate.Recognition;

namespace EdgeGate.Gateway.Tests.Live;

/// <summary>Lends a test's analyser to a gateway host: the test owns it, so the host must not dispose it.</summary>
internal sealed class BorrowedAnalyser(IFaceAnalyser inner) : IFaceAnalyser
{
    public void Detect(ReadOnlyImageSpan frame, List<FaceObservation> faces) => inner.Detect(frame, faces);

    public FaceObservation Describe(ReadOnlyImageSpan frame, int face) => inner.Describe(frame, face);

    public void Detect(ReadOnlyImageSpan frame, List<RectangleF> faces) => inner.Detect(frame, faces);

    public void WarmUp() => inner.WarmUp();

    public void Dispose()
    {
    }
}
