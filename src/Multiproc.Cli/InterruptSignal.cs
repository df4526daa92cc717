using System.Runtime.InteropServices;

namespace Multiproc.Cli;

/// <summary>Makes SIGINT stop the tool even when it inherited SIGINT ignored (docs/cli.md, "Stopping").</summary>
/// <remarks>
/// A non-interactive shell starts a background job (<c>multiproc serve &amp;</c> in a script, or a CI script or a
/// test run itself started that way) with SIGINT and SIGQUIT ignored, and an ignored signal stays ignored across
/// exec and every .NET <c>Process.Start</c> below it. .NET respects an inherited SIGINT ignore: the runtime installs
/// no handler and <c>PosixSignalRegistration.Create</c> succeeds without one, so System.CommandLine never hears the
/// signal and <c>serve</c> runs on (the CLI test that hung in CI). The tool's contract is that SIGINT stops it, so
/// before anything initializes .NET's signal handling it puts an ignored SIGINT back to the default, and
/// System.CommandLine's handler then replaces the default as usual; a handler already there is left alone.
/// SIGTERM needs nothing: the runtime installs its own SIGTERM handler at startup whatever was inherited.
/// </remarks>
internal static partial class InterruptSignal
{
    private const int SigInt = 2;
    private const nint Ignored = 1; // SIG_IGN; SIG_DFL is 0

    // struct sigaction is 152 bytes on glibc (x64, arm64) and smaller on musl; its handler is the first field on every
    // Linux ABI .NET runs on. A zeroed struct is SIG_DFL with an empty mask and no flags.
    private const int ActionSize = 256;

    /// <summary>Puts SIGINT back to its default disposition if it is ignored; call first in Main.</summary>
    public static void RestoreDefaultIfIgnored()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        Span<byte> current = stackalloc byte[ActionSize];
        if (QueryAction(SigInt, 0, ref MemoryMarshal.GetReference(current)) != 0 || MemoryMarshal.Read<nint>(current) != Ignored)
        {
            return;
        }

        Span<byte> defaultAction = stackalloc byte[ActionSize];
        defaultAction.Clear();
        _ = SetAction(SigInt, ref MemoryMarshal.GetReference(defaultAction), 0);
    }

    [LibraryImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    private static partial int QueryAction(int signal, nint newAction, ref byte oldAction);

    [LibraryImport("libc", EntryPoint = "sigaction", SetLastError = true)]
    private static partial int SetAction(int signal, ref byte newAction, nint oldAction);
}
