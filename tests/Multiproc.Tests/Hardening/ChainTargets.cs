namespace Multiproc.Tests.Hardening;

/// <summary>Static methods the serialization-limit tests run in workers.</summary>
public static class ChainTargets
{
    public static Chain CyclicChain() => Chain.Cycle();

    public static int Length(Chain chain) => chain.Length();

    public static int CountItems(object value) => value is System.Collections.ICollection items ? items.Count : -1;

    public static int Answer() => 42;

    public static Chain Echo(Chain chain) => chain;
}
