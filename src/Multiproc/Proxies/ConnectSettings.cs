namespace Multiproc.Proxies;

/// <summary>The immutable snapshot of <see cref="ConnectOptions"/> a client connection runs with.</summary>
internal sealed record ConnectSettings(TimeSpan ConnectTimeout, TimeSpan LivenessTimeout, int MaxFrameSize, TimeProvider TimeProvider)
{
    public static ConnectSettings Default { get; } = From(new ConnectOptions());

    /// <summary>Takes the immutable snapshot a connection runs with: later changes to the options do not reach it.</summary>
    public static ConnectSettings From(ConnectOptions options) => new(options.ConnectTimeout, options.LivenessTimeout, options.MaxFrameSize, options.TimeProvider);
}
