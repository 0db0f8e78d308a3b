using EdgeGate.TestSupport;
using Xunit.Abstractions;

namespace EdgeGate.Gateway.Tests.Setup;

/// <summary>
/// The offline parts of cross-building the arm64 package (<c>./build.sh publish</c> does the rest,
/// with apt and qemu): tools/arm64-sysroot.sh takes its package list from deploy/install.sh and turns
/// unpacked Debian packages into a usable sysroot; the CMake toolchain file refuses a sysroot without
/// Debian's arm64 OpenCV before any compiler is looked for.
/// </summary>
public sealed class Arm64SysrootTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private const string LibraryFolder = "usr/lib/aarch64-linux-gnu";

    private readonly string directory = Directory.CreateTempSubdirectory("edgegate-sysroot-test-").FullName;

    private static string Script => Path.Combine(RepositoryPaths.Root, "tools", "arm64-sysroot.sh");

    [Fact]
    public async Task Unpacked_packages_keep_their_links_inside_the_sysroot_and_get_the_blas_and_lapack_alternatives()
    {
        var libc = await BuildDebAsync("libc6", new()
        {
            ["lib/ld-linux-aarch64.so.1"] = "loader",
            ["lib/aarch64-linux-gnu/libm.so.6"] = "libm",
            // Debian links across top-level folders with absolute paths.
            [$"{LibraryFolder}/libm.so"] = "-> /lib/aarch64-linux-gnu/libm.so.6",
        });
        var blas = await BuildDebAsync("libblas3", new() { [$"{LibraryFolder}/blas/libblas.so.3"] = "blas" });
        var lapack = await BuildDebAsync("liblapack3", new() { [$"{LibraryFolder}/lapack/liblapack.so.3"] = "lapack" });
        var sysroot = Path.Combine(directory, "sysroot");
        Directory.CreateDirectory(sysroot);
        File.WriteAllText(Path.Combine(sysroot, "left-over"), "from an older sysroot");

        var result = await RunScriptAsync(Script, "assemble", sysroot, libc, blas, lapack);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.False(File.Exists(Path.Combine(sysroot, "left-over")), "the sysroot was not made afresh");
        var libm = new FileInfo(Path.Combine(sysroot, LibraryFolder, "libm.so"));
        Assert.Equal("../../../lib/aarch64-linux-gnu/libm.so.6", libm.LinkTarget);
        Assert.Equal("libm", File.ReadAllText(libm.FullName));
        Assert.Equal("blas/libblas.so.3", new FileInfo(Path.Combine(sysroot, LibraryFolder, "libblas.so.3")).LinkTarget);
        Assert.Equal("blas", File.ReadAllText(Path.Combine(sysroot, LibraryFolder, "libblas.so.3")));
        Assert.Equal("lapack", File.ReadAllText(Path.Combine(sysroot, LibraryFolder, "liblapack.so.3")));
        var absolute = Directory.EnumerateFileSystemEntries(sysroot, "*", SearchOption.AllDirectories)
            .Where(path => new FileInfo(path).LinkTarget is { } target && target.StartsWith('/'))
            .ToList();
        Assert.True(absolute.Count == 0, "absolute links left: " + string.Join(", ", absolute));
    }

    [Fact]
    public async Task A_sysroot_without_a_blas_provider_is_refused_with_the_reason()
    {
        var libc = await BuildDebAsync("libc6", new() { ["lib/ld-linux-aarch64.so.1"] = "loader" });

        var result = await RunScriptAsync(Script, "assemble", Path.Combine(directory, "sysroot"), libc);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("arm64-sysroot: no package in the sysroot provides libblas.so.3", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sysroot_is_made_of_the_OpenCV_and_FFmpeg_dev_packages_and_the_run_time_packages_install_sh_installs()
    {
        var script = CopyScriptWithInstallScript("runtime_packages=(libopencv-core406 libexample1 ca-certificates)");

        var result = await RunScriptAsync(script, "packages");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(
            ["libopencv-core-dev", "libopencv-imgproc-dev", "libopencv-imgcodecs-dev",
             "libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev",
             "libopencv-core406", "libexample1", "ca-certificates"],
            result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task An_install_script_without_a_run_time_package_list_stops_the_sysroot_with_the_reason()
    {
        var script = CopyScriptWithInstallScript("packages=(libopencv-core406)");

        var result = await RunScriptAsync(script, "packages");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("deploy/install.sh has no 'runtime_packages=(...)' line", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_toolchain_file_refuses_to_configure_without_a_sysroot_holding_arm64_OpenCV()
    {
        var toolchain = Path.Combine(RepositoryPaths.Root, "src", "native", "edgegate_cv", "cmake", "aarch64-linux-gnu.cmake");
        var source = Path.Combine(RepositoryPaths.Root, "src", "native", "edgegate_cv");
        var empty = Directory.CreateDirectory(Path.Combine(directory, "empty-sysroot")).FullName;

        var withoutSysroot = await RunAsync("cmake", "-S", source, "-B", Path.Combine(directory, "build-1"), $"-DCMAKE_TOOLCHAIN_FILE={toolchain}");
        var emptySysroot = await RunAsync("cmake", "-S", source, "-B", Path.Combine(directory, "build-2"), $"-DCMAKE_TOOLCHAIN_FILE={toolchain}", $"-DCMAKE_SYSROOT={empty}");

        Assert.NotEqual(0, withoutSysroot.ExitCode);
        Assert.Contains("set CMAKE_SYSROOT to the arm64 sysroot made by tools/arm64-sysroot.sh", OneLine(withoutSysroot.Output), StringComparison.Ordinal);
        Assert.NotEqual(0, emptySysroot.ExitCode);
        Assert.Contains($"{empty} holds no arm64 OpenCV headers", OneLine(emptySysroot.Output), StringComparison.Ordinal);
    }

    /// <summary>CMake wraps its messages: the words of a text with single spaces between them.</summary>
    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    public void Dispose() => Directory.Delete(directory, recursive: true);

    /// <summary>A copy of the sysroot script in a repository layout whose deploy/install.sh has the given line.</summary>
    private string CopyScriptWithInstallScript(string runtimePackagesLine)
    {
        var tools = Directory.CreateDirectory(Path.Combine(directory, "repository", "tools")).FullName;
        var deploy = Directory.CreateDirectory(Path.Combine(directory, "repository", "deploy")).FullName;
        File.WriteAllText(Path.Combine(deploy, "install.sh"), $"#!/usr/bin/env bash\n{runtimePackagesLine}\n");
        var script = Path.Combine(tools, "arm64-sysroot.sh");
        File.Copy(Script, script);
        return script;
    }

    /// <summary>
    /// A .deb made with dpkg-deb: each entry a file with that text, or a symbolic link when the text
    /// starts with "-> ".
    /// </summary>
    private async Task<string> BuildDebAsync(string name, Dictionary<string, string> entries)
    {
        var tree = Path.Combine(directory, "packages", name);
        Directory.CreateDirectory(Path.Combine(tree, "DEBIAN"));
        File.WriteAllText(Path.Combine(tree, "DEBIAN", "control"),
            $"Package: {name}\nVersion: 1.0\nArchitecture: arm64\nMaintainer: EdgeGate tests <tests@example.org>\nDescription: test package\n");
        foreach (var (path, content) in entries)
        {
            var full = Path.Combine(tree, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (content.StartsWith("-> ", StringComparison.Ordinal))
            {
                File.CreateSymbolicLink(full, content[3..]);
            }
            else
            {
                File.WriteAllText(full, content);
            }
        }
        var deb = Path.Combine(directory, "packages", $"{name}_1.0_arm64.deb");
        var built = await RunAsync("dpkg-deb", "--root-owner-group", "--build", tree, deb);
        Assert.True(built.ExitCode == 0, built.Output);
        return deb;
    }

    private Task<GatewayProcess.Result> RunScriptAsync(string script, params string[] arguments) => RunAsync("bash", [script, .. arguments]);

    private async Task<GatewayProcess.Result> RunAsync(string program, params string[] arguments)
    {
        var result = await GatewayProcess.RunProgramAsync(program, directory, Bound, environment: null, arguments);
        output.WriteLine($"$ {program} {string.Join(' ', arguments)} -> {result.ExitCode}\n{result.Output}");
        return result;
    }
}
