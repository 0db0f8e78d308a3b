using System.CommandLine;
using EdgeGate.Gateway.Cli;

namespace EdgeGate.Gateway;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("EdgeGate: face-recognition access gateway for compound gates and building doors.")
        {
            DoctorCommand.Create(),
        };
        return await root.Parse(args).InvokeAsync();
    }
}
