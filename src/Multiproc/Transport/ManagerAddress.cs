using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Multiproc.Transport;

/// <summary>A parsed manager address: <c>unix:/path/to/socket</c> or <c>tcp://host:port</c>.</summary>
internal sealed record ManagerAddress
{
    private const string UnixPrefix = "unix:";
    private const string TcpPrefix = "tcp://";

    private ManagerAddress(string text, string? unixPath, string? host, int port)
    {
        Text = text;
        UnixPath = unixPath;
        Host = host;
        Port = port;
    }

    public string Text { get; }

    public string? UnixPath { get; }

    public string? Host { get; }

    public int Port { get; }

    public bool IsUnix => UnixPath is not null;

    public static ManagerAddress ForUnix(string path) => new(UnixPrefix + path, path, null, 0);

    public static ManagerAddress ForTcp(string host, int port)
        => new(string.Create(CultureInfo.InvariantCulture, $"{TcpPrefix}{FormatHost(host)}:{port}"), null, host, port);

    /// <summary>Parses a manager socket address; false (no exception) for any other text, such as another backend's scheme.</summary>
    public static bool TryParse(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ManagerAddress? address)
    {
        try
        {
            address = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            address = null;
            return false;
        }
    }

    /// <exception cref="FormatException">The text is not a unix: or tcp:// address.</exception>
    public static ManagerAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith(UnixPrefix, StringComparison.Ordinal))
        {
            string path = text[UnixPrefix.Length..];
            if (path.Length == 0)
            {
                throw new FormatException("A unix: address needs a socket path, e.g. unix:/tmp/mp/socket.");
            }

            return ForUnix(path);
        }

        if (text.StartsWith(TcpPrefix, StringComparison.Ordinal))
        {
            string rest = text[TcpPrefix.Length..];
            int colon = rest.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(rest.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            {
                throw new FormatException($"'{text}' is not a valid tcp://host:port address.");
            }

            string host = rest[..colon].Trim('[', ']');
            return ForTcp(host, port);
        }

        throw new FormatException($"'{text}' is not a manager address; use unix:/path or tcp://host:port.");
    }

    public EndPoint CreateEndPoint()
    {
        if (UnixPath is not null)
        {
            return new UnixDomainSocketEndPoint(UnixPath);
        }

        return IPAddress.TryParse(Host, out IPAddress? ip) ? new IPEndPoint(ip, Port) : new DnsEndPoint(Host!, Port);
    }

    public Socket CreateSocket()
    {
        if (UnixPath is not null)
        {
            return new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        }

        AddressFamily family = IPAddress.TryParse(Host, out IPAddress? ip) ? ip.AddressFamily : AddressFamily.InterNetwork;
        // Nagle's algorithm costs ~40 ms per small request/response pair; we always frame whole messages.
        return new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    }

    public override string ToString() => Text;

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
}
