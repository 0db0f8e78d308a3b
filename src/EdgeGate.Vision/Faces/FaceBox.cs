namespace EdgeGate.Vision.Faces;

/// <summary>A face box in pixels of the frame (floats; may reach slightly outside the frame).</summary>
public readonly record struct FaceBox(float X1, float Y1, float X2, float Y2)
{
    public float Width => X2 - X1;

    public float Height => Y2 - Y1;

    public float Area => Math.Max(0f, Width) * Math.Max(0f, Height);

    /// <summary>Intersection over union with <paramref name="other"/> (0 when either box is empty).</summary>
    public float IntersectionOverUnion(FaceBox other)
    {
        var width = Math.Min(X2, other.X2) - Math.Max(X1, other.X1);
        var height = Math.Min(Y2, other.Y2) - Math.Max(Y1, other.Y1);
        if (width <= 0f || height <= 0f)
        {
            return 0f;
        }
        var intersection = width * height;
        var union = Area + other.Area - intersection;
        return union <= 0f ? 0f : intersection / union;
    }

    /// <summary>
    /// Intersection over the smaller box's area (0 when either box is empty): 1 when one box lies
    /// inside the other, whatever their sizes.
    /// </summary>
    public float IntersectionOverSmaller(FaceBox other)
    {
        var width = Math.Min(X2, other.X2) - Math.Max(X1, other.X1);
        var height = Math.Min(Y2, other.Y2) - Math.Max(Y1, other.Y1);
        var smaller = Math.Min(Area, other.Area);
        return width <= 0f || height <= 0f || smaller <= 0f ? 0f : width * height / smaller;
    }
}

/// <summary>One face found by the detector: its box in frame pixels and P(face).</summary>
public readonly record struct FaceDetection(FaceBox Box, float Score);

/// <summary>An integer rectangle inside a frame (what gets cropped).</summary>
public readonly record struct PixelRectangle(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;

    public int Bottom => Y + Height;

    public bool IsEmpty => Width <= 0 || Height <= 0;

    /// <summary>True when the rectangle lies inside a frame of the given size.</summary>
    public bool IsInside(int frameWidth, int frameHeight) =>
        X >= 0 && Y >= 0 && !IsEmpty && Right <= frameWidth && Bottom <= frameHeight;
}
