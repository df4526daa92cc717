using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Multiproc.Proxies;

/// <summary>The immutable snapshot of <see cref="ConnectOptions"/> a client connection runs with.</summary>
internal sealed record ConnectSettings(TimeSpan ConnectTimeout, TimeSpan LivenessTimeout, int MaxFrameSize, TimeProvider TimeProvider)
{
    public static ConnectSettings Default { get; } = From(new ConnectOptions());

    /// <summary>Gets how a <c>tls://</c> connection checks an unpinned manager's certificate; null for the system's checks.</summary>
    public RemoteCertificateValidationCallback? RemoteCertificateValidation { get; init; }

    /// <summary>Gets the certificate a <c>tls://</c> connection presents when asked; null for none.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Gets whether the caller set the connect timeout (<see cref="ConnectOptions.ConnectTimeout"/>), rather than leaving the default.</summary>
    public bool ConnectTimeoutGiven { get; init; }

    /// <summary>Takes the immutable snapshot a connection runs with: later changes to the options do not reach it.</summary>
    public static ConnectSettings From(ConnectOptions options) => new(options.ConnectTimeout, options.LivenessTimeout, options.MaxFrameSize, options.TimeProvider)
    {
        RemoteCertificateValidation = options.RemoteCertificateValidationCallback,
        ClientCertificate = options.ClientCertificate,
        ConnectTimeoutGiven = options.ConnectTimeoutGiven,
    };
}
