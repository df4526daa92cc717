using System.Diagnostics;
using System.Text.Json;
using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Bench;

/// <summary>Runs the bench/cpython scripts in the same run and reads the JSON figures each prints.</summary>
internal static class CPython
{
    private static readonly List<string> s_commands = [];

    public static string Version { get; private set; } = "python3";

    /// <summary>The command lines run so far, relative to the repository root.</summary>
    public static IReadOnlyList<string> Commands => s_commands;

    /// <summary>bench/cpython/managers_bench.py: latency of manager proxy calls.</summary>
    public static Dictionary<string, double>? RunManagers(bool quick)
        => Run("managers_bench.py", quick ? ["--quick"] : [], TimeSpan.FromSeconds(180));

    /// <summary>bench/cpython/process_bench.py: spawn start+join, Pool.apply, Pool.map.</summary>
    public static Dictionary<string, double>? RunProcesses(bool quick)
        => Run("process_bench.py",
            ["--workers", $"{ProcessFigures.Workers}", "--items", $"{ProcessFigures.MapItems}",
             "--spawn-runs", quick ? "5" : "10", "--apply-calls", quick ? "500" : "2000", "--map-runs", quick ? "2" : "3",
             "--proxy-runs", quick ? "5" : "9", "--burst-runs", quick ? "1" : "3"],
            TimeSpan.FromSeconds(180));

    /// <summary>bench/cpython/employees_bench.py: the article's scenario with multiprocessing.Manager().</summary>
    public static Dictionary<string, double>? RunEmployees(int employees)
        => Run("employees_bench.py", ["--employees", $"{employees}"], TimeSpan.FromSeconds(300));

    private static Dictionary<string, double>? Run(string scriptName, string[] arguments, TimeSpan timeout)
    {
        s_commands.Add(string.Join(' ', ["python3", "bench/cpython/" + scriptName, .. arguments]));
        return RunScript("python3", FindScript(scriptName), arguments, timeout);
    }

    /// <summary>Runs <paramref name="script"/> with <paramref name="interpreter"/> and reads the JSON object it prints; null when it fails, times out (killed) or python is missing.</summary>
    public static Dictionary<string, double>? RunScript(string interpreter, string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        string scriptName = Path.GetFileName(script);
        var info = new ProcessStartInfo(interpreter) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using Process python = Process.Start(info)!;
            Task<string> stderr = python.StandardError.ReadToEndAsync();
            Task<string> output = python.StandardOutput.ReadToEndAsync();
            if (!python.WaitForExit(timeout))
            {
                python.Kill(entireProcessTree: true);
                Console.Error.WriteLine($"{scriptName} timed out after {timeout.TotalSeconds} s.");
                return null;
            }

            if (python.ExitCode != 0)
            {
                Console.Error.WriteLine($"{scriptName} failed: {stderr.Result}");
                return null;
            }

            using JsonDocument json = JsonDocument.Parse(output.Result);
            var figures = new Dictionary<string, double>();
            foreach (JsonProperty property in json.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Number)
                {
                    figures[property.Name] = property.Value.GetDouble();
                }
            }

            if (json.RootElement.TryGetProperty("meta", out JsonElement meta) && meta.TryGetProperty("python", out JsonElement v))
            {
                Version = "CPython " + v;
            }

            return figures;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"{interpreter} is not on PATH; CPython figures are skipped.");
            return null;
        }
    }

    private static string FindScript(string name)
    {
        for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            string candidate = Path.Combine(directory, "bench", "cpython", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"bench/cpython/{name} not found above {AppContext.BaseDirectory}");
    }
}
