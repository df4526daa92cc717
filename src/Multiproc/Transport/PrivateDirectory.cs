namespace Multiproc.Transport;

/// <summary>Creates directories only the current user can enter (mode 0700), for sockets other users must not reach.</summary>
internal static class PrivateDirectory
{
    /// <summary>Creates <paramref name="path"/> with mode 0700 from the start (never created wider and narrowed later).</summary>
    /// <returns><paramref name="path"/>.</returns>
    /// <exception cref="IOException">The directory cannot be created.</exception>
    public static string Create(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            // Created with its mode, never widened: a 0700 directory keeps other users from the socket.
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
