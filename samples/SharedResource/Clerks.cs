namespace SharedResource;

/// <summary>What each worker process runs: a clerk records its share of the orders through the proxy.</summary>
public static class Clerks
{
    /// <summary>The order ids of clerk <paramref name="clerk"/>: its own range, so no two clerks share an id.</summary>
    public static long OrderId(int clerk, int index) => (clerk * 1_000_000L) + index;

    /// <summary>The amount of an order, in cents: known from its index, so the parent can check the total.</summary>
    public static long AmountCents(int index) => ((index % 100) + 1) * 100L;

    /// <summary>Records orders 0 to <paramref name="count"/> - 1 of <paramref name="clerk"/>; returns how many were new.</summary>
    public static int RecordOrders(IOrderStore store, int clerk, int count)
    {
        ArgumentNullException.ThrowIfNull(store);
        int recorded = 0;
        for (int i = 0; i < count; i++)
        {
            if (store.Record(OrderId(clerk, i), $"customer-{i % 17}", AmountCents(i)))
            {
                recorded++;
            }
        }

        return recorded;
    }

    /// <summary>What <paramref name="clerks"/> clerks of <paramref name="count"/> orders each add up to, in cents.</summary>
    public static long ExpectedCents(int clerks, int count) => clerks * Enumerable.Range(0, count).Sum(AmountCents);
}
