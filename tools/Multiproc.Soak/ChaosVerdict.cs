using System.Globalization;

namespace Multiproc.Soak;

/// <summary>The invariants checked at the end of a chaos run, each a row of the summary; any failure is a violation.</summary>
internal sealed class ChaosVerdict
{
    /// <summary>How much the manager's heap (after full collections) may grow from the start to the end of a run.</summary>
    public const long HeapGrowthBound = 16L * 1024 * 1024;

    public List<(string Check, bool Ok, string Detail)> Rows { get; } = [];

    public List<string> Violations { get; } = [];

    public bool Passed => Violations.Count == 0;

    public static ChaosVerdict Judge(ChaosLedger ledger, ChaosEndState end, IReadOnlyList<ChaosIncarnation> incarnations, bool tolerateF2)
    {
        var verdict = new ChaosVerdict();
        verdict.Items(ledger.Queue.Judge(end.Queued, [.. incarnations.Select(i => i.TakeWindow).OfType<ChaosWindow>()], i => i.LastTake, tolerateF2));
        verdict.Items(ledger.List.Judge(end.Listed, [.. incarnations.Select(i => i.PopWindow).OfType<ChaosWindow>()], i => i.LastPop, tolerateF2));

        var wrongKeys = ledger.Increments
            .Select(pair => (Key: pair.Key, pair.Value.Attempted, pair.Value.Acknowledged, Value: end.Increments.GetValueOrDefault(pair.Key)))
            .Where(k => k.Value < k.Acknowledged || k.Value > k.Attempted)
            .Select(k => $"{k.Key} = {k.Value}, acknowledged {k.Acknowledged}, attempted {k.Attempted}")
            .ToList();
        verdict.Add("dictionary increments", wrongKeys,
            $"{ledger.Increments.Values.Sum(v => v.Acknowledged):N0} acknowledged over {ledger.Increments.Count} keys, each within acknowledged..attempted");

        int repeatedReads = ledger.CounterReads.Count - ledger.CounterReads.Distinct().Count();
        long acknowledged = ledger.CounterReads.Count;
        var counterProblems = new List<string>();
        if (end.Counter < acknowledged || end.Counter > ledger.CounterAttempted)
        {
            counterProblems.Add($"counter = {end.Counter}, acknowledged {acknowledged}, attempted {ledger.CounterAttempted}");
        }

        if (repeatedReads > 0)
        {
            counterProblems.Add($"{repeatedReads} acknowledged critical sections read a value another one had read (lost update)");
        }

        verdict.Add("lock: guarded counter", counterProblems, $"{end.Counter:N0} (acknowledged {acknowledged:N0}, attempted {ledger.CounterAttempted:N0})");
        int lockOverlaps = MostHoldersAtOnce(ledger.LockHolds) > 1 ? CountOverlaps(ledger.LockHolds) : 0;
        verdict.Add("lock: mutual exclusion", lockOverlaps == 0 ? [] : [$"{lockOverlaps} lock holds overlapped another"], $"{ledger.LockHolds.Count:N0} holds, none overlapping");
        verdict.Add("lock: free at the end", end.LockedAtEnd || !end.LockAcquirable ? [$"locked {end.LockedAtEnd}, acquirable {end.LockAcquirable}"] : [], "unlocked and acquirable");

        int mostPermits = MostHoldersAtOnce(ledger.PermitHolds);
        verdict.Add("semaphore: at most the permits held", mostPermits > ChaosNames.Permits ? [$"{mostPermits} permits held at once, of {ChaosNames.Permits}"] : [],
            $"{ledger.PermitHolds.Count:N0} holds, at most {mostPermits} at once");
        verdict.Add("semaphore: permits conserved", end.PermitsAtEnd != ChaosNames.Permits || end.PermitsAcquirable != ChaosNames.Permits
            ? [$"CurrentCount {end.PermitsAtEnd}, acquirable {end.PermitsAcquirable}, expected {ChaosNames.Permits}"] : [], $"{end.PermitsAtEnd} of {ChaosNames.Permits} free and acquirable");
        return verdict;
    }

    public void Add(string check, List<string> problems, string detail)
    {
        Rows.Add((check, problems.Count == 0, problems.Count == 0 ? detail : string.Join("; ", problems.Take(3)) + (problems.Count > 3 ? $" (+{problems.Count - 3} more)" : "")));
        Violations.AddRange(problems.Select(p => $"{check}: {p}"));
    }

    private void Items(ChaosItemsVerdict items)
    {
        string detail = string.Create(CultureInfo.InvariantCulture,
            $"{items.Acknowledged:N0} acknowledged, {items.Taken:N0} taken, {items.Remaining:N0} left; receipt window {items.ReceiptWindow}, redelivered {items.Redelivered}{(items.DeadConsumer > 0 ? $", F2 (tolerated) {items.DeadConsumer}" : "")}");
        Rows.Add(($"{items.Name}: no acknowledged item lost or duplicated", items.Violations.Count == 0,
            items.Violations.Count == 0 ? detail : $"{items.Violations.Count} violations; {detail}"));
        Violations.AddRange(items.Violations);
    }

    private static int MostHoldersAtOnce(List<(long From, long To)> holds)
    {
        var events = holds.SelectMany(h => new[] { (At: h.From, Delta: 1), (At: h.To, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta); // a release and an acquire at the same tick do not overlap
        int held = 0;
        int most = 0;
        foreach ((_, int delta) in events)
        {
            held += delta;
            most = Math.Max(most, held);
        }

        return most;
    }

    private static int CountOverlaps(List<(long From, long To)> holds)
    {
        int overlaps = 0;
        long until = long.MinValue;
        foreach ((long from, long to) in holds.OrderBy(h => h.From))
        {
            if (from < until)
            {
                overlaps++;
            }

            until = Math.Max(until, to);
        }

        return overlaps;
    }
}
