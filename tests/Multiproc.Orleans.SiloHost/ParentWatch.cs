namespace Multiproc.Orleans.SiloHost;

/// <summary>Ends the silo when its parent goes away, seen as end-of-file on stdin (as Multiproc's workers do).</summary>
/// <remarks>
/// The parent holds the only write end of the pipe, so the kernel closes it when the parent exits for
/// any reason, including SIGKILL: a test run that dies leaves no silo behind. <c>PR_SET_PDEATHSIG</c>
/// is not used: it fires when the parent <em>thread</em> that started the child exits, and
/// thread-pool threads do.
/// </remarks>
internal static class ParentWatch
{
    public static void Start()
    {
        var thread = new Thread(Watch) { IsBackground = true, Name = "silo host parent watch" };
        thread.Start();
    }

    private static void Watch()
    {
        using Stream input = Console.OpenStandardInput();
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

        // Killed, not stopped: a graceful Orleans shutdown can take many seconds, and whoever ran this
        // silo is gone (the cluster ids are per run, so its entry in the membership table harms nobody).
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        self.Kill();
    }
}
