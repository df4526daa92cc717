using System.Globalization;
using System.Security.Cryptography;

namespace Multiproc;

/// <summary>
/// Names that record the process that created them: <c>mp-&lt;pid&gt;-&lt;16 lowercase hex digits&gt;</c>.
/// Manager socket directories and shared memory blocks use them, so a starting manager can tell a dead
/// creator's leftovers from live ones and from anything else named <c>mp-*</c>.
/// </summary>
/// <remarks>Root vocabulary: both the transport and the memory layer name things this way, and neither may use the other.</remarks>
internal static class OwnerStampedName
{
    private const string Prefix = "mp-";
    private const int RandomHexDigits = 16;

    /// <summary>Returns a fresh name recording <paramref name="creatorPid"/>.</summary>
    public static string Create(int creatorPid) => string.Create(
        CultureInfo.InvariantCulture, $"{Prefix}{creatorPid}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomHexDigits / 2))}");

    /// <summary>Reads the creator's pid from a name made by <see cref="Create"/>.</summary>
    /// <returns><see langword="false"/> for any other name: other programs' <c>mp-*</c> entries are never touched.</returns>
    public static bool TryParseCreator(string name, out int pid)
    {
        pid = 0;
        int dash = name.StartsWith(Prefix, StringComparison.Ordinal) ? name.IndexOf('-', Prefix.Length) : -1;
        if (dash <= Prefix.Length || name.Length - dash - 1 != RandomHexDigits)
        {
            return false;
        }

        foreach (char c in name.AsSpan(dash + 1))
        {
            if (!char.IsAsciiHexDigitLower(c))
            {
                return false;
            }
        }

        return int.TryParse(name.AsSpan(Prefix.Length, dash - Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out pid) && pid > 0;
    }
}
