namespace SharedResource;

/// <summary>The orders of a shop, kept in one SQLite database that only the manager opens.</summary>
public interface IOrderStore
{
    /// <summary>Records an order; false when an order with this id is already recorded.</summary>
    /// <remarks>
    /// A worker that is killed mid-call cannot know whether its order was written, so it (or its
    /// replacement) records it again; the id makes the second attempt a no-op, and each order is
    /// written exactly once.
    /// </remarks>
    bool Record(long orderId, string customer, long amountCents);

    /// <summary>Gets how many orders are recorded and what they add up to.</summary>
    OrderTotals Totals();
}

/// <summary>The orders recorded so far.</summary>
/// <param name="Count">How many orders.</param>
/// <param name="AmountCents">Their amounts, summed, in cents.</param>
public sealed record OrderTotals(long Count, long AmountCents);
