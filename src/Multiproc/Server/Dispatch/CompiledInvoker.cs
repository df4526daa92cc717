namespace Multiproc.Server.Dispatch;

/// <summary>Publishes a delegate compiled on first use: the first one stored wins, so every caller runs the same one.</summary>
internal static class CompiledInvoker
{
    public static T Publish<T>(ref T? field, T compiled)
        where T : class
        => Interlocked.CompareExchange(ref field, compiled, null) ?? compiled;
}
