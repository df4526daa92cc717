using System.Runtime.CompilerServices;
using Multiproc.Orleans.Client;
using Multiproc.Proxies;

namespace Multiproc.Orleans;

/// <summary>Registers the <c>orleans</c> and <c>orleans+redis</c> address schemes as this assembly loads.</summary>
internal static class SchemeRegistration
{
    /// <summary>Runs once, before any code of this assembly.</summary>
    /// <remarks>
    /// A module initializer, because an address reaches Multiproc.dll first (<c>Manager.ConnectAsync</c>,
    /// a worker's bootstrap) and Multiproc.dll does not know this assembly: whoever loads it gets the scheme.
    /// </remarks>
#pragma warning disable CA2255 // The point: the scheme must exist before any caller of this library asks for it.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        ChannelSchemes.Register(OrleansManager.Scheme, OrleansConnector.ConnectAsync);
        ChannelSchemes.Register(OrleansManager.RedisScheme, OrleansConnector.ConnectAsync);
    }
}
