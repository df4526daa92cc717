using System.Globalization;

namespace Multiproc.Soak;

/// <summary>The summary a chaos run prints: what ran, what was done, and each invariant's result.</summary>
internal static class ChaosReport
{
    public static void Print(
        ChaosOptions options, TimeSpan ran, ChaosFleet fleet, ChaosLedger ledger, ChaosVerdict verdict,
        ChaosHeapSample heapStart, ChaosHeapSample heapEnd, IReadOnlyList<ChaosHeapSample> samples, ManagerStats final)
    {
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"Chaos soak: {ran.TotalSeconds:0} s, {options.Workers} workers, seed {options.Seed}"));
        Console.WriteLine(string.Create(c, $"Workers launched {ledger.Incarnations.Count}, SIGKILLed {fleet.Kills}, stopped on request {fleet.Stops}; manager calls served {final.CallCount:N0} ({final.ErrorCount:N0} errors)"));
        Console.WriteLine();
        Console.WriteLine("| operation | completed |");
        Console.WriteLine("|---|---:|");
        foreach ((string operation, long count) in ledger.Operations)
        {
            Console.WriteLine(string.Create(c, $"| {operation} | {count:N0} |"));
        }

        Console.WriteLine(string.Create(c, $"| total | {ledger.Operations.Values.Sum():N0} |"));
        Console.WriteLine();
        Console.WriteLine("| invariant | result | detail |");
        Console.WriteLine("|---|---|---|");
        foreach ((string check, bool ok, string detail) in verdict.Rows)
        {
            Console.WriteLine($"| {check} | {(ok ? "ok" : "VIOLATED")} | {detail} |");
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(c,
            $"Manager heap after full GC: start {heapStart.Heap / 1024} KiB, end {heapEnd.Heap / 1024} KiB, samples {samples.Count} (min {samples.Min(s => s.Heap) / 1024} KiB, max {samples.Max(s => s.Heap) / 1024} KiB); threads {heapStart.Threads} -> {heapEnd.Threads}; working set {heapStart.WorkingSet / 1048576} -> {heapEnd.WorkingSet / 1048576} MiB"));
        foreach (string violation in verdict.Violations.Take(50))
        {
            Console.WriteLine("VIOLATION: " + violation);
        }

        if (verdict.Violations.Count > 50)
        {
            Console.WriteLine($"... and {verdict.Violations.Count - 50} more violations");
        }

        Console.WriteLine(verdict.Passed ? "chaos: all invariants held" : $"chaos: {verdict.Violations.Count} violation(s)");
    }
}
