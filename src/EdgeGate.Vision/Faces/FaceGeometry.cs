namespace EdgeGate.Vision.Faces;

/// <summary>Boxes derived from a detection: the square face box and the liveness crop.</summary>
public static class FaceGeometry
{
    /// <summary>
    /// The square box of a detection: side = box height, centred on the box, clipped to the frame
    /// and truncated to integers. Empty when the box lies outside the frame.
    /// </summary>
    public static PixelRectangle SquareBox(FaceBox box, int frameWidth, int frameHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameHeight);
        var side = box.Height;
        var centreX = (box.X1 + box.X2) / 2f;
        var x1 = Math.Max(0f, centreX - (side / 2f));
        var y1 = Math.Max(0f, box.Y1);
        var x2 = Math.Min(frameWidth, centreX + (side / 2f));
        var y2 = Math.Min(frameHeight, box.Y1 + side);
        if (!(x2 > x1 && y2 > y1))
        {
            return default;
        }
        var x = (int)x1;
        var y = (int)y1;
        var width = Math.Min((int)(x2 - x1), frameWidth - x);
        var height = Math.Min((int)(y2 - y1), frameHeight - y);
        return width > 0 && height > 0 ? new PixelRectangle(x, y, width, height) : default;
    }

    /// <summary>The size figure of a face: the side of its square box (clipped to the frame).</summary>
    public static int SizePixels(PixelRectangle squareBox) => Math.Max(squareBox.Width, squareBox.Height);

    /// <summary>
    /// The square box of a detection before clipping: the landmark crop. Equal to
    /// <see cref="SquareBox"/> when the face lies inside the frame; for a face cut by the frame
    /// edge it reaches past the edge, so the landmark model sees the face square and centred.
    /// </summary>
    public static PixelRectangle UnclippedSquareBox(FaceBox box)
    {
        var side = Math.Max(1, (int)box.Height);
        var centreX = (box.X1 + box.X2) / 2f;
        return new PixelRectangle((int)MathF.Floor(centreX - (side / 2f)), (int)MathF.Floor(box.Y1), side, side);
    }

    /// <summary>
    /// Moves <paramref name="rectangle"/> back inside the frame without changing its size (sizes
    /// larger than the frame are reduced to the frame). Crops never pad.
    /// </summary>
    public static PixelRectangle ShiftInside(PixelRectangle rectangle, int frameWidth, int frameHeight)
    {
        var width = Math.Clamp(rectangle.Width, 1, frameWidth);
        var height = Math.Clamp(rectangle.Height, 1, frameHeight);
        var x = Math.Clamp(rectangle.X, 0, frameWidth - width);
        var y = Math.Clamp(rectangle.Y, 0, frameHeight - height);
        return new PixelRectangle(x, y, width, height);
    }

    /// <summary>
    /// The liveness crop: a square <paramref name="scale"/> times the square box, on the same
    /// centre, its side clamped so it fits the frame, then shifted inside (never padded: black
    /// borders look like a screen bezel to the liveness model).
    /// </summary>
    public static PixelRectangle ScaledCrop(PixelRectangle squareBox, float scale, int frameWidth, int frameHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        if (squareBox.IsEmpty)
        {
            return default;
        }
        var side = Math.Max(squareBox.Width, squareBox.Height) * scale;
        side = Math.Min(side, Math.Min(frameWidth, frameHeight));
        var size = Math.Max(1, (int)side);
        var centreX = squareBox.X + (squareBox.Width / 2f);
        var centreY = squareBox.Y + (squareBox.Height / 2f);
        var x = (int)MathF.Round(centreX - (size / 2f));
        var y = (int)MathF.Round(centreY - (size / 2f));
        return ShiftInside(new PixelRectangle(x, y, size, size), frameWidth, frameHeight);
    }
}
