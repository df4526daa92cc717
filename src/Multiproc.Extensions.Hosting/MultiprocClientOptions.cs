namespace Multiproc.Extensions.Hosting;

/// <summary>How a <see cref="MultiprocClient"/> notices a lost manager and tries again.</summary>
public sealed class MultiprocClientOptions
{
    /// <summary>Gets or sets how often a connected client checks its manager (a stats call). Default 1 s.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the first wait before reconnecting; each failure doubles it. Default 100 ms.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets the longest wait between attempts. Default 10 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the options of each connection, or null for the defaults.</summary>
    public ConnectOptions? Connect { get; set; }
}
