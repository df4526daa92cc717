using System.Globalization;

namespace Multiproc.Soak;

/// <summary>Everything the workers recorded, folded in as their lines arrive; thread-safe.</summary>
/// <remarks>See <see cref="ChaosWorker"/> for the line codes. Intervals of holding the lock or a permit run from
/// "held" to "about to release", or to the kill: inside the real holding time, so overlaps prove a bug.</remarks>
internal sealed class ChaosLedger(TextWriter? trace)
{
    private readonly Lock _lock = new();
    private readonly List<ChaosIncarnation> _incarnations = [];

    public ChaosItems Queue { get; } = new("queue", fifo: true);

    public ChaosItems List { get; } = new("list", fifo: false);

    public Dictionary<string, (long Attempted, long Acknowledged)> Increments { get; } = [];

    public List<(long From, long To)> LockHolds { get; } = [];

    public List<(long From, long To)> PermitHolds { get; } = [];

    public long CounterAttempted { get; private set; }

    /// <summary>Gets the counter values read inside acknowledged critical sections: all distinct under mutual exclusion.</summary>
    public List<long> CounterReads { get; } = [];

    /// <summary>Gets completed operations by kind.</summary>
    public SortedDictionary<string, long> Operations { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<ChaosIncarnation> Incarnations
    {
        get
        {
            lock (_lock)
            {
                return [.. _incarnations];
            }
        }
    }

    public ChaosIncarnation Begin(long id)
    {
        var incarnation = new ChaosIncarnation(id);
        lock (_lock)
        {
            _incarnations.Add(incarnation);
        }

        return incarnation;
    }

    public long CompletedOperations()
    {
        lock (_lock)
        {
            return Operations.Values.Sum();
        }
    }

    public void Record(ChaosIncarnation who, string line)
    {
        string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out long at))
        {
            return;
        }

        long[] values = [.. parts.Skip(2).Where(p => p[0] != 'k').Select(p => long.Parse(p, CultureInfo.InvariantCulture))];
        lock (_lock)
        {
            trace?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{who.Id} {line}"));
            Apply(who, at, parts[1], values, parts.Length > 2 ? parts[2] : "");
        }
    }

    /// <summary>Records the end of an incarnation; a killed one's holds end at the kill.</summary>
    public void End(ChaosIncarnation who, int? exitCode)
    {
        lock (_lock)
        {
            trace?.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{who.Id} {(who.Killed ? who.KillTimestamp : 0)} END killed={who.Killed} exit={exitCode}"));
            who.ExitCode = exitCode;
            if (who.LockSince is { } held)
            {
                LockHolds.Add((held, who.Killed ? who.KillTimestamp : long.MaxValue));
            }

            if (who.PermitSince is { } permit)
            {
                PermitHolds.Add((permit, who.Killed ? who.KillTimestamp : long.MaxValue));
            }
        }
    }

    private void Apply(ChaosIncarnation who, long at, string code, long[] values, string key)
    {
        switch (code)
        {
            case "ready":
                who.Ready = true;
                return;
            case "work":
                who.WorkingSince = DateTime.UtcNow;
                return;
            case "bye":
                who.SaidBye = true;
                return;
            case "p+":
                Array.ForEach(values, item => Queue.Attempted(item, at));
                return;
            case "p=":
                Array.ForEach(values, item => Queue.Acknowledge(item, at));
                Count("put", values.Length);
                return;
            case "p!" or "p?":
                Array.ForEach(values, Queue.Refuse);
                Count(code == "p!" ? "put timed out" : "put cancelled", 1);
                return;
            case "t-":
                who.OpenTake = (int)values[0];
                who.OpenTakeSince = at;
                return;
            case "t=":
                who.OpenTake = 0;
                who.LastTake = [.. values];
                Array.ForEach(values, item => Queue.Take(item, who, at));
                Count(values.Length == 0 ? "take (none)" : "take", 1);
                return;
            case "a+":
                Array.ForEach(values, item => List.Attempted(item, at));
                return;
            case "a=":
                Array.ForEach(values, item => List.Acknowledge(item, at));
                Count("list add", 1);
                return;
            case "o-":
                who.OpenPop = (int)values[0];
                who.OpenPopSince = at;
                return;
            case "o=":
                who.OpenPop = 0;
                who.LastPop = [.. values];
                Array.ForEach(values, item => List.Take(item, who, at));
                Count("list pop", 1);
                return;
            case "d+":
                Increments[key] = Increments.GetValueOrDefault(key) with { Attempted = Increments.GetValueOrDefault(key).Attempted + 1 };
                return;
            case "d=":
                Increments[key] = Increments.GetValueOrDefault(key) with { Acknowledged = Increments.GetValueOrDefault(key).Acknowledged + 1 };
                Count("dict increment", 1);
                return;
            case "L=":
                who.LockSince = at;
                return;
            case "L!":
                Count("lock timed out", 1);
                return;
            case "c+":
                CounterAttempted++;
                return;
            case "c=":
                CounterReads.Add(values[0]);
                Count("critical section", 1);
                return;
            case "U-":
                LockHolds.Add((who.LockSince ?? at, at));
                who.LockSince = null;
                return;
            case "S=":
                who.PermitSince = at;
                return;
            case "S!":
                Count("permit timed out", 1);
                return;
            case "s-":
                PermitHolds.Add((who.PermitSince ?? at, at));
                who.PermitSince = null;
                Count("permit", 1);
                return;
            case "n+":
                Count("temporary object", 1);
                return;
            case "r=":
                Count("read", 1);
                return;
        }
    }

    private void Count(string operation, long count) => Operations[operation] = Operations.GetValueOrDefault(operation) + count;
}
