namespace EdgeGate.Capture;

/// <summary>Camera URLs as they may appear in logs and health reports: never with a password.</summary>
public static class CameraUrl
{
    /// <summary>
    /// The URL with the password of its user information replaced by <c>***</c>
    /// (<c>rtsp://admin:***@10.0.0.5/stream</c>). Text that is not a URL is returned unchanged.
    /// </summary>
    public static string Redact(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return TryFindPassword(url, out var start, out var length)
            ? string.Concat(url.AsSpan(0, start), "***", url.AsSpan(start + length))
            : url;
    }

    /// <summary>
    /// Removes a camera URL's password from any text (an error message that quotes the URL, or the
    /// password on its own, raw or percent-encoded).
    /// </summary>
    public static string RedactIn(string text, string url)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(url);
        var password = PasswordOf(url);
        if (password.Length == 0)
        {
            return text;
        }
        var result = text.Replace(url, Redact(url), StringComparison.Ordinal).Replace(password, "***", StringComparison.Ordinal);
        var decoded = Uri.UnescapeDataString(password);
        return decoded.Length > 0 && decoded != password ? result.Replace(decoded, "***", StringComparison.Ordinal) : result;
    }

    private static string PasswordOf(string url)
    {
        if (!TryFindPassword(url, out var start, out var length))
        {
            return "";
        }
        return url.Substring(start, length);
    }

    private static bool TryFindPassword(string url, out int start, out int length)
    {
        start = length = 0;
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return false;
        }
        var authorityStart = scheme + 3;
        var authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        if (authorityEnd < 0)
        {
            authorityEnd = url.Length;
        }
        // The user information ends at the LAST '@' of the authority (a password may hold '@').
        var at = url.LastIndexOf('@', authorityEnd - 1, authorityEnd - authorityStart);
        if (at < 0)
        {
            return false;
        }
        var colon = url.IndexOf(':', authorityStart, at - authorityStart);
        if (colon < 0)
        {
            return false;
        }
        start = colon + 1;
        length = at - start;
        return true;
    }
}
