using System.Runtime.InteropServices;

namespace Multiproc.Server;

/// <summary>Whether a file or directory belongs to the current user (effective uid), without following links.</summary>
/// <remarks>
/// .NET exposes no file owner, so on Linux this asks <c>statx</c> (its layout is the same on every
/// architecture). Elsewhere, or when <c>statx</c> is missing, it answers yes and the kernel's
/// permissions (sticky temp directories, 0700 socket directories) keep other users' entries out of reach.
/// </remarks>
internal static partial class FileOwner
{
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxUid = 0x8;
    private const int StatxSize = 256;
    private const int UidOffset = 20;
    private const int NoSuchSystemCall = 38;

    public static bool IsCurrentUser(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(AtCurrentDirectory, path, AtSymlinkNoFollow, StatxUid, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            return Marshal.GetLastPInvokeError() == NoSuchSystemCall;
        }

        return BitConverter.ToUInt32(buffer[UidOffset..]) == GetEffectiveUserId();
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();
}
