namespace Multiproc.Soak;

/// <summary>
/// The items of one container (queue or list): who put each, whether the put was acknowledged, who took it. The
/// verdict compares that with what the container holds at the end.
/// </summary>
/// <remarks>
/// <para>Every acknowledged item must be taken exactly once or still be there. Two windows are not violations:</para>
/// <para>the receipt window: a worker killed while a take was in progress may have received items it could not record
/// (at most that take's count, and only items put before the kill); and redelivery: an item recorded by a worker that
/// was then killed, in its last take, may come back (at-least-once delivery) and be taken again.</para>
/// <para>An acknowledged item missing where every killed taker died before the item was even put went to a dead
/// consumer (review finding F2); one missing with no killed taker at all is simply lost.</para>
/// </remarks>
internal sealed class ChaosItems(string name)
{
    private readonly Dictionary<long, Item> _items = [];

    public string Name { get; } = name;

    public long Acknowledged { get; private set; }

    public long Taken { get; private set; }

    public void Attempted(long item, long timestamp) => Get(item).AttemptedAt = timestamp;

    public void Acknowledge(long item)
    {
        Get(item).Acknowledged = true;
        Acknowledged++;
    }

    /// <summary>Records a put that returned "not put" (timed out or cancelled): the item must appear nowhere.</summary>
    public void Refuse(long item) => Get(item).Refused = true;

    public void Take(long item, ChaosIncarnation taker)
    {
        Get(item).Takers.Add(taker);
        Taken++;
    }

    public ChaosItemsVerdict Judge(
        IReadOnlyCollection<long> remaining, IReadOnlyCollection<ChaosIncarnation> incarnations, Func<ChaosIncarnation, int> window, Func<ChaosIncarnation, HashSet<long>> lastTake, bool tolerateF2)
    {
        var verdict = new ChaosItemsVerdict(Name) { Remaining = remaining.Count, Acknowledged = Acknowledged, Taken = Taken };
        var left = new HashSet<long>();
        foreach (long item in remaining)
        {
            if (!left.Add(item))
            {
                verdict.Violations.Add($"{Name}: item {item} is in the container twice");
            }
        }

        var missing = new List<(long Item, long AttemptedAt)>();
        foreach ((long item, Item record) in _items)
        {
            int occurrences = record.Takers.Count + (left.Remove(item) ? 1 : 0);
            if (record.AttemptedAt is null && occurrences > 0)
            {
                verdict.Violations.Add($"{Name}: item {item} appeared but was never put");
            }
            else if (record.Refused && occurrences > 0)
            {
                verdict.Violations.Add($"{Name}: item {item} appeared though its put returned 'not put' (timed out or cancelled)");
            }

            // Earlier takers that died holding the item in their last take may have lost it before acknowledging it.
            int redelivered = record.Takers.Count(t => t.Killed && lastTake(t).Contains(item));
            if (occurrences - redelivered > 1)
            {
                verdict.Violations.Add($"{Name}: item {item} was delivered {occurrences} times (takers {string.Join(", ", record.Takers.Select(t => t.Id))})");
            }
            else if (occurrences > 1)
            {
                verdict.Redelivered += occurrences - 1;
            }

            if (record.Acknowledged && occurrences == 0)
            {
                missing.Add((item, record.AttemptedAt ?? 0));
            }
        }

        foreach (long item in left)
        {
            verdict.Violations.Add($"{Name}: item {item} appeared but was never put");
        }

        JudgeMissing(verdict, missing, incarnations, window, tolerateF2);
        return verdict;
    }

    /// <summary>
    /// Matches missing items to killed takers' receipt windows: a taker killed at time K with a take of up to k items
    /// in progress can account for k items put before K. Earliest kills take the earliest items (optimal here, since
    /// a later kill accepts every item an earlier one does).
    /// </summary>
    private void JudgeMissing(
        ChaosItemsVerdict verdict, List<(long Item, long AttemptedAt)> missing, IReadOnlyCollection<ChaosIncarnation> incarnations, Func<ChaosIncarnation, int> window, bool tolerateF2)
    {
        List<ChaosIncarnation> windows = [.. incarnations.Where(i => window(i) > 0).OrderBy(i => i.KillTimestamp)];
        missing.Sort((a, b) => a.AttemptedAt.CompareTo(b.AttemptedAt));
        int next = 0;
        foreach (ChaosIncarnation killed in windows)
        {
            for (int slots = window(killed); slots > 0 && next < missing.Count && missing[next].AttemptedAt <= killed.KillTimestamp; slots--)
            {
                verdict.ReceiptWindow++;
                next++;
            }
        }

        long firstWindow = windows.Count == 0 ? long.MaxValue : windows[0].KillTimestamp;
        foreach ((long item, long attemptedAt) in missing.Skip(next))
        {
            if (attemptedAt <= firstWindow)
            {
                verdict.Violations.Add($"{Name}: acknowledged item {item} is gone, and no killed consumer can account for it");
            }
            else if (tolerateF2)
            {
                verdict.DeadConsumer++;
            }
            else
            {
                verdict.Violations.Add($"{Name}: acknowledged item {item} is gone: put after the consumers that were waiting had been killed (F2: delivered to a dead consumer)");
            }
        }
    }

    private Item Get(long item)
    {
        if (!_items.TryGetValue(item, out Item? record))
        {
            record = new Item();
            _items[item] = record;
        }

        return record;
    }

    private sealed class Item
    {
        public long? AttemptedAt { get; set; }

        public bool Acknowledged { get; set; }

        public bool Refused { get; set; }

        public List<ChaosIncarnation> Takers { get; } = [];
    }
}
