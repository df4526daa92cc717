namespace Multiproc.Proxies;

/// <summary>The immutable snapshot of <see cref="ConnectOptions"/> a client connection runs with.</summary>
internal sealed record ConnectSettings(TimeSpan ConnectTimeout, TimeSpan LivenessTimeout, int MaxFrameSize, TimeProvider TimeProvider)
{
    public static ConnectSettings Default { get; } = new ConnectOptions().Snapshot();
}
