namespace Multiproc.Tests.Fixtures;

public interface ITracked
{
    string Tag { get; }
}

/// <summary>Records its disposal so tests can see when the manager released it.</summary>
public sealed class Tracked : ITracked, IDisposable
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> s_disposed = new();

    public Tracked(string tag)
    {
        Tag = tag;
    }

    public string Tag { get; }

    public static bool WasDisposed(string tag) => s_disposed.ContainsKey(tag);

    public void Dispose() => s_disposed[Tag] = true;
}
