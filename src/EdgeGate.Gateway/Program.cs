using System.CommandLine;
using EdgeGate.Gateway.Cli;

namespace EdgeGate.Gateway;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var bench = new Command("bench", "Measure speed and memory on this box (figures printed, optionally as JSON)")
        {
            BenchOnnxCommand.Create(),
            BenchGalleryCommand.Create(),
        };
        var root = new RootCommand("EdgeGate: face-recognition access gateway for compound gates and building doors.")
        {
            DoctorCommand.Create(),
            bench,
        };
        return await root.Parse(args).InvokeAsync();
    }
}
