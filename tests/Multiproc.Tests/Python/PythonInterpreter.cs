namespace Multiproc.Tests.Python;

/// <summary>A CPython interpreter: its "major.minor" version and how to run it.</summary>
internal sealed record PythonInterpreter(string Version, string Path)
{
    /// <summary>Gets a value indicating whether it speaks the legacy (≤3.11, HMAC-MD5) handshake.</summary>
    public bool IsLegacy => System.Version.Parse(Version) < new Version(3, 12);

    public override string ToString() => $"CPython {Version} ({Path})";
}
