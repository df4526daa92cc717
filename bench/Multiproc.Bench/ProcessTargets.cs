namespace Multiproc.Bench;

/// <summary>Static targets for the process figures: workers load them from this assembly.</summary>
public static class ProcessTargets
{
    public static void Empty()
    {
    }

    public static int Identity(int x) => x;

    public static long Square(int x) => (long)x * x;
}
