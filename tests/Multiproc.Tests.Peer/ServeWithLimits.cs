using System.Globalization;
using Multiproc.Tests.Fixtures;

namespace Multiproc.Tests.Peer;

/// <summary>
/// Role <c>serve-limits MAXPENDING HANDSHAKEMS</c>: a manager with the fixtures registered, the given
/// handshake cap and handshake timeout, on a fresh Unix socket; prints address and key, runs until stdin closes.
/// </summary>
internal static class ServeWithLimits
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new ManagerOptions().Register<IEmployee, Employee>();
        options.MaxPendingHandshakes = int.Parse(args[1], CultureInfo.InvariantCulture);
        options.HandshakeTimeout = TimeSpan.FromMilliseconds(int.Parse(args[2], CultureInfo.InvariantCulture));
        await using Manager manager = await Manager.StartAsync(options);
        Console.WriteLine(manager.Address);
        Console.WriteLine(Convert.ToHexString(manager.AuthKey.Span));
        await Console.In.ReadToEndAsync();
        return 0;
    }
}
