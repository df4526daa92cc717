using Multiproc.Server;

namespace Multiproc.Transport;

/// <summary>
/// The private directories that hold managers' Unix sockets: <c>mp-&lt;pid&gt;-&lt;16 hex digits&gt;</c>
/// under the temp directory, mode 0700, with the socket file <c>s</c> inside.
/// </summary>
/// <remarks>
/// The pid is the process that created the directory (the manager, or the owner of a child-process
/// manager), so a later manager can tell the leftovers of a killed one from a live one
/// (<see cref="Server.LeftoverSweep"/>). Short names: <c>sun_path</c> is limited to 108 bytes.
/// </remarks>
internal static class SocketDirectory
{
    /// <summary>The socket file's name inside the directory.</summary>
    public const string SocketFileName = "s";

    /// <summary>Creates a fresh directory for this process under <paramref name="root"/> (default: the temp directory).</summary>
    /// <returns>The directory's full path.</returns>
    /// <exception cref="IOException">The directory cannot be created.</exception>
    public static string Create(string? root = null) => Create(root ?? Path.GetTempPath(), Environment.ProcessId);

    /// <summary>Creates a directory named for <paramref name="pid"/>; tests use it to fake a dead manager's leftovers.</summary>
    /// <returns>The directory's full path.</returns>
    /// <exception cref="IOException">The directory cannot be created.</exception>
    public static string Create(string root, int pid) => PrivateDirectory.Create(Path.Combine(root, OwnerStampedName.Create(pid)));

    /// <summary>Reads the creator's pid from a directory name made by <see cref="Create(string, int)"/>.</summary>
    /// <returns><see langword="false"/> for any other name: other programs' <c>mp-*</c> directories are never touched.</returns>
    public static bool TryParseOwner(string name, out int pid) => OwnerStampedName.TryParseCreator(name, out pid);
}
