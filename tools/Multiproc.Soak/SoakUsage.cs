namespace Multiproc.Soak;

/// <summary>The usage text, printed for no or an unknown mode.</summary>
internal static class SoakUsage
{
    public static int Print()
    {
        Console.Error.WriteLine("usage: Multiproc.Soak <mode> [options]");
        Console.Error.WriteLine("  chaos [--minutes N | --seconds N] [--workers N] [--seed S] [--kill-ms MIN MAX] [--tolerate-f2]");
        return 2;
    }
}
