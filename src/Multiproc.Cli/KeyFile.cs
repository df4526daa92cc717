using System.Security.Cryptography;

namespace Multiproc.Cli;

/// <summary>
/// A manager's key in a file: 32 random bytes as one line of hexadecimal, readable by its owner only
/// (mode 0600), the way SSH keeps private keys (docs/cli.md).
/// </summary>
internal static class KeyFile
{
    public const int KeyBytes = 32;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes a new key to <paramref name="path"/>, created with mode 0600 (never widened, even for a moment).</summary>
    /// <exception cref="IOException">The file exists: a key is never overwritten.</exception>
    public static void Write(string path)
    {
        byte[] key = RandomNumberGenerator.GetBytes(KeyBytes);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using var writer = new StreamWriter(path, System.Text.Encoding.ASCII, options);
        writer.WriteLine(Convert.ToHexStringLower(key));
    }

    /// <summary>Reads the key in <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a key (hexadecimal, at least 16 bytes), or others may read it.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static byte[] Read(string path)
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(OwnerOnly | UnixFileMode.UserExecute)) != 0)
        {
            throw new InvalidDataException($"The key file {path} may be read by others; make it private: chmod 600 {path}");
        }

        string text = File.ReadAllText(path).Trim();
        try
        {
            byte[] key = Convert.FromHexString(text);
            return key.Length >= 16 ? key : throw new InvalidDataException($"The key in {path} is {key.Length} bytes; a key has at least 16.");
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"{path} is not a key file (one line of hexadecimal, as `multiproc keygen` writes).");
        }
    }
}
