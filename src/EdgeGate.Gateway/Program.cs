using System.CommandLine;

namespace EdgeGate.Gateway;

public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("EdgeGate: face-recognition access gateway for gates and doors.");
        return root.Parse(args).Invoke();
    }
}
