using System.Diagnostics;

namespace Multiproc.Tests.Python;

/// <summary>
/// The CPython interpreters the interop tests run against, one per handshake generation: 3.11 (<c>python3</c>
/// here; legacy HMAC-MD5) and 3.13 (from pyenv; <c>{sha256}</c>). A missing one is left out and the tests say
/// which ran; at least one is required.
/// </summary>
internal static class PythonInterpreters
{
    private static readonly Lazy<IReadOnlyList<PythonInterpreter>> s_found = new(Find);

    /// <summary>Gets the interpreters found, oldest first.</summary>
    public static IReadOnlyList<PythonInterpreter> Found => s_found.Value;

    /// <summary>Gets the interpreters as theory data (their versions, e.g. "3.11").</summary>
    public static TheoryData<string> Versions
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (PythonInterpreter interpreter in Found)
            {
                data.Add(interpreter.Version);
            }

            // An empty theory fails "no data"; the requirement test says why.
            if (Found.Count == 0)
            {
                data.Add("none");
            }

            return data;
        }
    }

    /// <summary>Gets the interpreter of <paramref name="version"/>.</summary>
    public static PythonInterpreter Get(string version)
        => Found.FirstOrDefault(i => i.Version == version)
            ?? throw new InvalidOperationException("No CPython interpreter was found: install python3 (3.11) or pyenv's 3.13.");

    private static IReadOnlyList<PythonInterpreter> Find()
    {
        var found = new List<PythonInterpreter>();
        // Run python3 by its real path: a pyenv shim costs about a second per start.
        if (Probe("python3") is { } system)
        {
            found.Add(system);
        }

        string root = Environment.GetEnvironmentVariable("PYENV_ROOT")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
        string versions = Path.Combine(root, "versions");
        if (Directory.Exists(versions))
        {
            string? newest313 = Directory.GetDirectories(versions, "3.13.*")
                .Select(d => Path.Combine(d, "bin", "python3"))
                .Where(File.Exists)
                .OrderByDescending(p => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out Version? v) ? v : new Version())
                .FirstOrDefault();
            if (newest313 is not null && found.All(i => i.Version != "3.13"))
            {
                found.Add(new PythonInterpreter("3.13", newest313));
            }

            // MULTIPROC_PYTHON_ALL=1 adds every other pyenv CPython 3.8+ (one per minor version), for a full sweep by hand.
            if (Environment.GetEnvironmentVariable("MULTIPROC_PYTHON_ALL") == "1")
            {
                foreach (string directory in Directory.GetDirectories(versions, "3.*"))
                {
                    string path = Path.Combine(directory, "bin", "python3");
                    if (Version.TryParse(Path.GetFileName(directory), out Version? v) && v >= new Version(3, 8) && File.Exists(path)
                        && found.All(i => i.Version != $"{v.Major}.{v.Minor}"))
                    {
                        found.Add(new PythonInterpreter($"{v.Major}.{v.Minor}", path));
                    }
                }
            }
        }

        return [.. found.OrderBy(i => Version.Parse(i.Version))];
    }

    private static PythonInterpreter? Probe(string executable)
    {
        try
        {
            var info = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("import sys; print('%d.%d' % sys.version_info[:2]); print(sys.executable)");
            using Process process = Process.Start(info)!;
            string[] lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (!process.WaitForExit(10_000))
            {
                process.Kill();
                return null;
            }

            return process.ExitCode == 0 && lines.Length == 2 ? new PythonInterpreter(lines[0], lines[1]) : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
