using Multiproc.Server;

namespace Multiproc.Memory;

/// <summary>Generates and validates the names of shared memory blocks.</summary>
/// <remarks>
/// A name becomes a file name in the shared memory directory, so it is restricted to ASCII
/// letters, digits, '-', '_' and '.', at most <see cref="MaxLength"/> characters, and may not
/// contain "..": no name can ever address a file outside that directory.
/// </remarks>
internal static class SharedMemoryName
{
    /// <summary>The longest accepted name; well under NAME_MAX (255) on every file system.</summary>
    public const int MaxLength = 200;

    /// <summary>Returns a fresh random name: "mp-", this process's id, '-' and 16 lowercase hex digits.</summary>
    /// <remarks>
    /// The pid records the creator, which owns the block: once that process is gone the block is a
    /// leftover (its owner would have removed it at a normal exit), and the next manager to start
    /// removes it (<see cref="Multiproc.Server.LeftoverSweep"/>).
    /// </remarks>
    public static string CreateRandom() => CreateRandom(Environment.ProcessId);

    /// <summary>Returns a fresh random name recording <paramref name="creatorPid"/> as the creator; tests fake a dead creator with it.</summary>
    public static string CreateRandom(int creatorPid) => OwnerStampedName.Create(creatorPid);

    /// <summary>Reads the creator's pid from a name made by <see cref="CreateRandom()"/>.</summary>
    /// <returns><see langword="false"/> for any other name: blocks named by users are never swept.</returns>
    public static bool TryParseCreator(string name, out int pid) => OwnerStampedName.TryParseCreator(name, out pid);

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a valid block name.</summary>
    /// <param name="name">The name to check.</param>
    /// <param name="paramName">The caller's parameter name, for the exception.</param>
    public static void Validate(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (name.Length is 0 or > MaxLength)
        {
            throw new ArgumentException(
                $"A shared memory name must have 1 to {MaxLength} characters.", paramName);
        }

        if (name == "." || name.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"The shared memory name '{name}' must not be '.' or contain '..'.", paramName);
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                throw new ArgumentException(
                    $"The shared memory name '{name}' contains '{c}'; only ASCII letters, digits, '-', '_' and '.' are allowed (no path separators).",
                    paramName);
            }
        }
    }
}
