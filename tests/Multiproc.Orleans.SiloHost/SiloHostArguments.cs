using System.Globalization;

namespace Multiproc.Orleans.SiloHost;

/// <summary>The silo host's command line: <c>--redis host:port --cluster-id id --silo-port n --gateway-port n [--failover recommended|default] [--max-probe-timeout seconds]</c>.</summary>
/// <remarks><c>--max-probe-timeout</c> replaces the recommended settings' <see cref="FailoverSettings.MaxProbeTimeout"/>, so the failover tool can compare values.</remarks>
public sealed record SiloHostArguments(string Redis, string ClusterId, int SiloPort, int GatewayPort, bool RecommendedFailover, TimeSpan? MaxProbeTimeout = null)
{
    /// <summary>The service id every silo and client of the test clusters uses (the cluster id tells runs apart).</summary>
    public const string ServiceId = "multiproc-failover";

    /// <summary>Parses the command line.</summary>
    /// <exception cref="FormatException">An argument is missing, unknown or malformed.</exception>
    public static SiloHostArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count || !args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new FormatException($"Expected '--name value' pairs, got '{string.Join(' ', args)}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string failover = values.GetValueOrDefault("failover", "default");
        if (failover is not ("default" or "recommended"))
        {
            throw new FormatException($"--failover is 'default' or 'recommended', not '{failover}'.");
        }

        return new SiloHostArguments(
            Required(values, "redis"),
            Required(values, "cluster-id"),
            int.Parse(Required(values, "silo-port"), CultureInfo.InvariantCulture),
            int.Parse(Required(values, "gateway-port"), CultureInfo.InvariantCulture),
            failover == "recommended",
            values.TryGetValue("max-probe-timeout", out string? seconds) ? TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture)) : null);
    }

    /// <summary>The command line that <see cref="Parse"/> reads back.</summary>
    public IReadOnlyList<string> ToArguments() =>
    [
        "--redis", Redis,
        "--cluster-id", ClusterId,
        "--silo-port", SiloPort.ToString(CultureInfo.InvariantCulture),
        "--gateway-port", GatewayPort.ToString(CultureInfo.InvariantCulture),
        "--failover", RecommendedFailover ? "recommended" : "default",
        .. MaxProbeTimeout is { } max ? ["--max-probe-timeout", max.TotalSeconds.ToString(CultureInfo.InvariantCulture)] : Array.Empty<string>(),
    ];

    private static string Required(Dictionary<string, string> values, string name)
        => values.TryGetValue(name, out string? value) ? value : throw new FormatException($"--{name} is required.");
}
