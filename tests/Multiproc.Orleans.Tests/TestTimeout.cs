namespace Multiproc.Orleans.Tests;

/// <summary>Bounds every wait in a test.</summary>
internal static class TestTimeout
{
    /// <summary>A token cancelled after <paramref name="seconds"/>; the source disposes itself when it fires.</summary>
    public static CancellationToken Token(int seconds = 20)
    {
        var source = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        source.Token.UnsafeRegister(static state => ((CancellationTokenSource)state!).Dispose(), source);
        return source.Token;
    }
}
