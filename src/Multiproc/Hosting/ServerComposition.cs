using Multiproc.Python.Server;
using Multiproc.Server;
using Multiproc.Server.BuiltIns;

namespace Multiproc.Hosting;

/// <summary>Starts a manager's server with everything it serves: the user's registrations and the built-ins.</summary>
/// <remarks>The server knows only registrations; which types are built in is decided here, the composition root.</remarks>
internal static class ServerComposition
{
    /// <summary>Starts a server for <paramref name="settings"/>, with the built-in types added to its registrations.</summary>
    /// <exception cref="System.Net.Sockets.SocketException">The address cannot be bound.</exception>
    /// <exception cref="ArgumentException">The Python address is malformed or <c>tls://</c>, or a registered class has two members under one Python name.</exception>
    public static ManagerServer Start(ManagerSettings settings)
    {
        ManagerServer server = ManagerServer.Start(WithBuiltIns(settings));
        if (settings.PythonAddress is null)
        {
            return server;
        }

        try
        {
            PythonListener python = PythonListener.Start(server.Host, new PythonServeOptions(settings.PythonAddress, settings.PythonRequiresSha256, settings.PythonClientsMayShutDown));
            server.AttachFrontEnd(python, python.Address);
            return server;
        }
        catch
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Creates an object host with no listener (the server seam alone), with the built-in types added.</summary>
    public static ObjectHost CreateHost(ManagerSettings settings) => new(WithBuiltIns(settings));

    private static ManagerSettings WithBuiltIns(ManagerSettings settings)
        => settings with { Registrations = [.. settings.Registrations, .. BuiltInRegistrations.All] };
}
