using EdgeGate.Api;

namespace EdgeGate.Gateway.Tests.Api;

public sealed class ApiTokenStoreTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), $"edgegate-token-{Guid.NewGuid():N}");

    [Fact]
    public void First_run_creates_a_random_0600_token_and_later_runs_read_the_same_one()
    {
        var credentials = Path.Combine(directory, "credentials");
        var first = ApiTokenStore.LoadOrCreate(credentials);
        var path = ApiTokenStore.PathIn(credentials);
        var text = File.ReadAllText(path).Trim();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(credentials));
        Assert.True(text.Length >= 40, $"token too short: {text.Length} characters");
        Assert.True(first.Matches(text));
        Assert.True(ApiTokenStore.LoadOrCreate(credentials).Matches(text));
        Assert.Equal(text, File.ReadAllText(path).Trim());

        var otherDirectory = Path.Combine(directory, "other");
        ApiTokenStore.LoadOrCreate(otherDirectory);
        Assert.NotEqual(text, File.ReadAllText(ApiTokenStore.PathIn(otherDirectory)).Trim());
    }

    [Fact]
    public void A_token_file_readable_by_others_is_refused_with_the_fix_in_the_message()
    {
        Directory.CreateDirectory(directory);
        var path = ApiTokenStore.PathIn(directory);
        File.WriteAllText(path, "an-installer-written-token-0123456789\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        var exception = Assert.Throws<ApiTokenException>(() => ApiTokenStore.LoadOrCreate(directory));
        Assert.Contains("chmod 600", exception.Message);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.True(ApiTokenStore.LoadOrCreate(directory).Matches("an-installer-written-token-0123456789"));
    }

    [Fact]
    public void A_short_token_is_refused()
    {
        Directory.CreateDirectory(directory);
        var path = ApiTokenStore.PathIn(directory);
        File.WriteAllText(path, "short");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Throws<ApiTokenException>(() => ApiTokenStore.LoadOrCreate(directory));
    }

    [Theory]
    [InlineData("Bearer correct-horse-battery-staple", true)]
    [InlineData("bearer correct-horse-battery-staple", true)]
    [InlineData("Bearer correct-horse-battery-stapl", false)]
    [InlineData("Bearer correct-horse-battery-staplee", false)]
    [InlineData("Basic correct-horse-battery-staple", false)]
    [InlineData("correct-horse-battery-staple", false)]
    [InlineData("Bearer ", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void The_authorization_header_must_carry_exactly_the_token(string? header, bool expected)
    {
        var token = new ApiToken("correct-horse-battery-staple");
        Assert.Equal(expected, token.MatchesAuthorizationHeader(header));
    }

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
