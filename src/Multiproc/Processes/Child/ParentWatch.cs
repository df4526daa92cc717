namespace Multiproc.Processes.Child;

/// <summary>Ends a worker when its parent goes away, seen as end-of-file on the worker's stdin.</summary>
/// <remarks>
/// The parent holds the only write end of the pipe, so the kernel closes it when the parent exits
/// for any reason, including SIGKILL. <c>PR_SET_PDEATHSIG</c> is deliberately not used: it fires
/// when the parent <em>thread</em> that started the child exits, and thread-pool threads do.
/// </remarks>
internal static class ParentWatch
{
    /// <summary>The exit code of a worker whose parent went away.</summary>
    public const int ParentGoneExitCode = 0;

    /// <summary>Starts a background thread that reads <paramref name="input"/> to its end, then exits the process.</summary>
    public static void Start(Stream input)
    {
        var thread = new Thread(() => Watch(input))
        {
            IsBackground = true,
            Name = "Multiproc parent watch",
        };
        thread.Start();
    }

    private static void Watch(Stream input)
    {
        byte[] buffer = new byte[64];
        try
        {
            while (input.Read(buffer) > 0)
            {
            }
        }
        catch (IOException)
        {
        }

        Environment.Exit(ParentGoneExitCode);
    }
}
