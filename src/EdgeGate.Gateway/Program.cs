using System.CommandLine;
using EdgeGate.Gateway.Cli;
using EdgeGate.Gateway.Hosting;
using Serilog.Events;
using EdgeGate.Tools.Demo;
using EdgeGate.Tools.Eval;
using EdgeGate.Tools.Bench;

namespace EdgeGate.Gateway;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var bench = new Command("bench", "Measure speed and memory on this box (figures printed, optionally as JSON)")
        {
            BenchOnnxCommand.Create(),
            BenchPipelineCommand.Create(),
            BenchGalleryCommand.Create(),
            BenchEnrolCommand.Create(),
            BenchLiveCommand.Create(),
            BenchGateCommand.Create((settings, services) => GatewayHost.Build(settings, services, LogEventLevel.Warning)),
            BenchUplinkCommand.Create(),
        };
        var root = new RootCommand("EdgeGate: face-recognition access gateway for compound gates and building doors.")
        {
            RunCommand.Create(),
            DemoCommand.Create(settings => GatewayHost.Build(settings, consoleLevel: LogEventLevel.Warning)),
            DoctorCommand.Create(),
            ProvisionCommand.Create(),
            PersonsCommand.Create(),
            EnrolCommand.Create(),
            CardsCommand.Create(),
            HistoryCommand.Create(),
            DoorCommand.Create(),
            EvalCommand.Create(),
            CalibrateCommand.Create(),
            bench,
            ConfigReferenceCommand.Create(),
        };
        // The host handles SIGTERM itself (graceful shutdown that finishes journal writes); the
        // command-line library must not race it with its own termination handling.
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
