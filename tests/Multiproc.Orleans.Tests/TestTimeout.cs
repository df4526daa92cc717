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

    /// <summary>Polls <paramref name="condition"/> until it holds or the time is up (never a fixed sleep).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, int seconds = 10, string? because = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"Condition not met within {seconds}s{(because is null ? "" : ": " + because)}.");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
