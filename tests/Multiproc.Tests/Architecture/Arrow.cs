namespace Multiproc.Tests.Architecture;

/// <summary>A dependency of one node on another: <see cref="From"/> uses <see cref="To"/>.</summary>
internal readonly record struct Arrow(string From, string To)
{
    public override string ToString() => $"{From} -> {To}";
}
