using System.Text;

namespace Multiproc.Protocol;

/// <summary>Encodes a Unix socket path for a <c>sockaddr_un</c>.</summary>
internal static class UnixSocketPath
{
    /// <summary>Writes <paramref name="path"/> as UTF-8 into <paramref name="destination"/> and returns its length.</summary>
    /// <remarks>ASCII by hand: the vectorized UTF-8 encoder's first call costs a starting worker milliseconds.</remarks>
    /// <exception cref="ArgumentException">The encoded path does not fit.</exception>
    public static int Encode(string path, Span<byte> destination)
    {
        if (!IsAscii(path))
        {
            return Encoding.UTF8.GetByteCount(path) <= destination.Length
                ? Encoding.UTF8.GetBytes(path, destination)
                : throw TooLong(path, destination.Length);
        }

        if (path.Length > destination.Length)
        {
            throw TooLong(path, destination.Length);
        }

        for (int i = 0; i < path.Length; i++)
        {
            destination[i] = (byte)path[i];
        }

        return path.Length;
    }

    private static bool IsAscii(string path)
    {
        foreach (char c in path)
        {
            if (c >= 0x80)
            {
                return false;
            }
        }

        return true;
    }

    private static ArgumentException TooLong(string path, int limit)
        => new($"The socket path is longer than the {limit} bytes a Unix socket address holds: {path}", nameof(path));
}
