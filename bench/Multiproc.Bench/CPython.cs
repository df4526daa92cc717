using System.Diagnostics;
using System.Text.Json;

namespace Multiproc.Bench;

/// <summary>Runs bench/cpython/managers_bench.py in the same run and reads its JSON figures.</summary>
internal static class CPython
{
    public static Dictionary<string, double>? Run(bool quick)
    {
        string script = FindScript();
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        if (quick)
        {
            info.ArgumentList.Add("--quick");
        }

        try
        {
            using Process python = Process.Start(info)!;
            Task<string> stderr = python.StandardError.ReadToEndAsync();
            string output = python.StandardOutput.ReadToEnd();
            if (!python.WaitForExit(180_000) || python.ExitCode != 0)
            {
                Console.Error.WriteLine($"CPython benchmark failed: {stderr.Result}");
                return null;
            }

            using JsonDocument json = JsonDocument.Parse(output);
            var figures = new Dictionary<string, double>();
            foreach (JsonProperty property in json.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Number)
                {
                    figures[property.Name] = property.Value.GetDouble();
                }
            }

            figures["python_version"] = 0;
            Version = json.RootElement.TryGetProperty("meta", out JsonElement meta) && meta.TryGetProperty("python", out JsonElement v) ? v.ToString() : "python3";
            return figures;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("python3 is not on PATH; CPython figures are skipped.");
            return null;
        }
    }

    public static string Version { get; private set; } = "python3";

    private static string FindScript()
    {
        for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            string candidate = Path.Combine(directory, "bench", "cpython", "managers_bench.py");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("bench/cpython/managers_bench.py not found above " + AppContext.BaseDirectory);
    }
}
