using System.Runtime.InteropServices;

namespace Multiproc;

/// <summary>
/// Where Multiproc runs: Linux (tested on x64 and arm64). The assembly says so with
/// <c>[SupportedOSPlatform("linux")]</c> (Directory.Build.props), and the entry points a user reaches
/// first (<see cref="Manager"/>, <see cref="WorkerProcess"/>, <see cref="ProcessPool"/>,
/// <see cref="SharedMemory"/>, <see cref="SharedArray{T}"/>) check it here, so another OS fails at
/// once with a <see cref="PlatformNotSupportedException"/> that says why, not later with a missing
/// <c>/dev/shm</c> or socket option.
/// </summary>
/// <remarks>
/// The AppContext switch <c>Multiproc.AllowUnsupportedPlatforms</c> (set in the project file with
/// <c>&lt;RuntimeHostConfigurationOption&gt;</c>, or <c>AppContext.SetSwitch</c> before the first
/// call) skips the check, for trying macOS, where the code has fallbacks but nothing is tested.
/// </remarks>
internal static class SupportedPlatform
{
    /// <summary>The AppContext switch that skips the check.</summary>
    public const string AllowUnsupportedSwitch = "Multiproc.AllowUnsupportedPlatforms";

    /// <summary>Throws unless this is Linux (or the switch is on).</summary>
    /// <exception cref="PlatformNotSupportedException">Another operating system.</exception>
    public static void ThrowIfUnsupported()
    {
        if (!OperatingSystem.IsLinux() && !(AppContext.TryGetSwitch(AllowUnsupportedSwitch, out bool allowed) && allowed))
        {
            throw new PlatformNotSupportedException(
                $"Multiproc supports Linux (tested on x64 and arm64); this is {RuntimeInformation.OSDescription}. "
                + $"It relies on Unix sockets, /dev/shm and Linux process semantics. To try it anyway (macOS has fallbacks, untested), set the AppContext switch '{AllowUnsupportedSwitch}'.");
        }
    }
}
