using System.Diagnostics;

namespace Multiproc.Soak;

/// <summary>
/// The items of one container (queue or list): who put each, whether the put was acknowledged, who took it. The
/// verdict compares that with what the container holds at the end.
/// </summary>
/// <remarks>
/// <para>Every acknowledged item must be taken exactly once or still be there. Two windows are not violations:
/// the receipt window, where a worker killed while a take was in progress may have received items it could not
/// record (at most that take's count, and only items that existed before the kill and were handed out while the take
/// was open); and redelivery, where an item recorded by a worker that was then killed, in its last take, comes back
/// (at-least-once delivery) and is taken again.</para>
/// <para>For a FIFO queue an item is handed out no later than any item put after its put returned was recorded taken:
/// that bounds when a lost item can have been handed out, so a window that opened later cannot account for it.</para>
/// </remarks>
internal sealed class ChaosItems(string name, bool fifo)
{
    /// <summary>How long before an item's put a consumer killed in a take makes "delivered to a dead consumer" the likely cause.</summary>
    private static readonly long s_deadConsumerHorizon = Stopwatch.Frequency;

    private readonly Dictionary<long, Item> _items = [];

    public string Name { get; } = name;

    public long Acknowledged { get; private set; }

    public long Taken { get; private set; }

    public void Attempted(long item, long timestamp) => Get(item).AttemptedAt = timestamp;

    public void Acknowledge(long item, long timestamp)
    {
        Item record = Get(item);
        record.AcknowledgedAt = timestamp;
        Acknowledged++;
    }

    /// <summary>Records a put that returned "not put" (timed out or cancelled): the item must appear nowhere.</summary>
    public void Refuse(long item) => Get(item).Refused = true;

    public void Take(long item, ChaosIncarnation taker, long timestamp)
    {
        Item record = Get(item);
        record.Takers.Add(taker);
        record.FirstTakenAt ??= timestamp;
        Taken++;
    }

    public ChaosItemsVerdict Judge(IReadOnlyCollection<long> remaining, IReadOnlyList<ChaosWindow> windows, Func<ChaosIncarnation, HashSet<long>> lastTake, bool tolerateF2)
    {
        var verdict = new ChaosItemsVerdict(Name) { Remaining = remaining.Count, Acknowledged = Acknowledged, Taken = Taken };
        var left = new HashSet<long>();
        foreach (long item in remaining.Where(item => !left.Add(item)))
        {
            verdict.Violations.Add($"{Name}: item {item} is in the container twice");
        }

        var missing = new List<(long Item, Item Record)>();
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

            if (record.AcknowledgedAt is not null && occurrences == 0)
            {
                missing.Add((item, record));
            }
        }

        foreach (long item in left)
        {
            verdict.Violations.Add($"{Name}: item {item} appeared but was never put");
        }

        JudgeMissing(verdict, missing, windows, tolerateF2);
        return verdict;
    }

    /// <summary>
    /// Matches missing items to receipt windows: a window can account for an item that existed before its kill and was
    /// handed out (by the FIFO bound) after the window opened, up to its slot count. Windows go in kill order, each
    /// taking the eligible items with the earliest hand-out bound first.
    /// </summary>
    private void JudgeMissing(ChaosItemsVerdict verdict, List<(long Item, Item Record)> missing, IReadOnlyList<ChaosWindow> windows, bool tolerateF2)
    {
        if (missing.Count == 0)
        {
            return;
        }

        Func<Item, long> handedOutBy = fifo ? FifoBound() : _ => long.MaxValue;
        var open = missing.Select(m => (m.Item, Attempted: m.Record.AttemptedAt ?? 0, Bound: handedOutBy(m.Record))).OrderBy(m => m.Bound).ToList();
        foreach (ChaosWindow window in windows.OrderBy(w => w.Until))
        {
            int slots = window.Slots;
            for (int i = 0; i < open.Count && slots > 0; i++)
            {
                if (open[i].Attempted <= window.Until && open[i].Bound >= window.From)
                {
                    open.RemoveAt(i--);
                    slots--;
                    verdict.ReceiptWindow++;
                }
            }
        }

        foreach ((long item, long attempted, long bound) in open)
        {
            ChaosWindow? dead = windows.Where(w => w.Until < attempted && attempted - w.Until < s_deadConsumerHorizon).MaxBy(w => w.Until);
            if (dead is null)
            {
                verdict.Violations.Add($"{Name}: acknowledged item {item} is gone, and no killed consumer can account for it");
            }
            else if (tolerateF2)
            {
                verdict.DeadConsumer++;
            }
            else
            {
                verdict.Violations.Add(
                    $"{Name}: acknowledged item {item} is gone; it was put {(attempted - dead.Until) * 1000.0 / Stopwatch.Frequency:0.0} ms after worker {dead.Worker} was killed waiting in a take (F2: delivered to a dead consumer)");
            }
        }
    }

    /// <summary>
    /// For each item, the earliest recorded take of an item whose put began after this one's put returned: in a FIFO
    /// queue this item left the queue before that one did.
    /// </summary>
    private Func<Item, long> FifoBound()
    {
        List<Item> taken = [.. _items.Values.Where(i => i.FirstTakenAt is not null && i.AttemptedAt is not null).OrderBy(i => i.AttemptedAt)];
        long[] attempts = [.. taken.Select(i => i.AttemptedAt!.Value)];
        long[] earliestFrom = new long[taken.Count + 1];
        earliestFrom[taken.Count] = long.MaxValue;
        for (int i = taken.Count - 1; i >= 0; i--)
        {
            earliestFrom[i] = Math.Min(earliestFrom[i + 1], taken[i].FirstTakenAt!.Value);
        }

        return record =>
        {
            if (record.AcknowledgedAt is not { } acknowledged)
            {
                return long.MaxValue;
            }

            // The first put that began after this one returned.
            int low = 0;
            int high = attempts.Length;
            while (low < high)
            {
                int middle = (low + high) / 2;
                if (attempts[middle] > acknowledged)
                {
                    high = middle;
                }
                else
                {
                    low = middle + 1;
                }
            }

            return earliestFrom[low];
        };
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

        public long? AcknowledgedAt { get; set; }

        public bool Refused { get; set; }

        public long? FirstTakenAt { get; set; }

        public List<ChaosIncarnation> Takers { get; } = [];
    }
}
