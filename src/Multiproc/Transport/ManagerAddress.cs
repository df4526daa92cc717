using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Multiproc.Transport;

/// <summary>
/// A parsed manager address: <c>unix:/path/to/socket</c>, <c>tcp://host:port</c> or
/// <c>tls://host:port</c>, the last optionally pinned to its server certificate with
/// <c>?sha256=</c> and the certificate's SHA-256 in hex (docs/tls.md).
/// </summary>
internal sealed record ManagerAddress
{
    private const string UnixPrefix = "unix:";
    private const string TcpPrefix = "tcp://";
    private const string TlsPrefix = "tls://";
    private const string PinParameter = "?sha256=";

    private ManagerAddress(string text, string? unixPath, string? host, int port, bool isTls, CertificatePin? pin)
    {
        Text = text;
        UnixPath = unixPath;
        Host = host;
        Port = port;
        IsTls = isTls;
        Pin = pin;
    }

    public string Text { get; }

    public string? UnixPath { get; }

    public string? Host { get; }

    public int Port { get; }

    public bool IsUnix => UnixPath is not null;

    /// <summary>Gets whether the connection runs inside TLS (<c>tls://</c>).</summary>
    public bool IsTls { get; }

    /// <summary>Gets the SHA-256 the server certificate must have, for a pinned <c>tls://</c> address; null otherwise.</summary>
    public CertificatePin? Pin { get; }

    public static ManagerAddress ForUnix(string path) => new(UnixPrefix + path, path, null, 0, isTls: false, pin: null);

    public static ManagerAddress ForTcp(string host, int port) => ForNetwork(host, port, isTls: false, pin: null);

    public static ManagerAddress ForTls(string host, int port, CertificatePin? pin = null) => ForNetwork(host, port, isTls: true, pin);

    /// <summary>The same address with another port (the one a listener on port 0 got).</summary>
    public ManagerAddress WithPort(int port) => IsUnix ? this : ForNetwork(Host!, port, IsTls, Pin);

    /// <summary>The same <c>tls://</c> address pinned to <paramref name="pin"/>.</summary>
    /// <exception cref="InvalidOperationException">The address is not a <c>tls://</c> address.</exception>
    public ManagerAddress WithPin(CertificatePin pin)
        => IsTls ? ForNetwork(Host!, Port, isTls: true, pin) : throw new InvalidOperationException($"Only a tls:// address is pinned, not {Text}.");

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

    /// <exception cref="FormatException">The text is not a unix:, tcp:// or tls:// address, or its pin is not 64 hex digits.</exception>
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

        bool isTls = text.StartsWith(TlsPrefix, StringComparison.Ordinal);
        if (!isTls && !text.StartsWith(TcpPrefix, StringComparison.Ordinal))
        {
            throw new FormatException($"'{text}' is not a manager address; use unix:/path, tcp://host:port or tls://host:port.");
        }

        string rest = text[TcpPrefix.Length..];
        CertificatePin? pin = null;
        int query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            if (!isTls || !rest.AsSpan(query).StartsWith(PinParameter, StringComparison.Ordinal)
                || !CertificatePin.TryParse(rest.AsSpan(query + PinParameter.Length), out pin))
            {
                throw new FormatException($"'{text}' is not a valid address: only a tls:// address takes a parameter, ?sha256= and the certificate's SHA-256 as 64 hex digits.");
            }

            rest = rest[..query];
        }

        int colon = rest.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(rest.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            throw new FormatException($"'{text}' is not a valid {(isTls ? "tls" : "tcp")}://host:port address.");
        }

        string host = rest[..colon].Trim('[', ']');
        return ForNetwork(host, port, isTls, pin);
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

    private static ManagerAddress ForNetwork(string host, int port, bool isTls, CertificatePin? pin)
    {
        string text = string.Create(CultureInfo.InvariantCulture, $"{(isTls ? TlsPrefix : TcpPrefix)}{FormatHost(host)}:{port}");
        if (pin is not null)
        {
            text += PinParameter + pin.ToString();
        }

        return new ManagerAddress(text, null, host, port, isTls, pin);
    }

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
}
