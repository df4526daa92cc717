namespace Multiproc.Soak;

/// <summary>What the item accounting of one container found.</summary>
internal sealed class ChaosItemsVerdict(string name)
{
    public string Name { get; } = name;

    public long Acknowledged { get; init; }

    public long Taken { get; init; }

    public int Remaining { get; init; }

    /// <summary>Gets or sets the items taken again after a taker died holding them (allowed: at-least-once).</summary>
    public int Redelivered { get; set; }

    /// <summary>Gets or sets the items a killed taker may have received without recording them (allowed).</summary>
    public int ReceiptWindow { get; set; }

    /// <summary>Gets or sets the items lost to an already-dead consumer (F2), when the run tolerates them.</summary>
    public int DeadConsumer { get; set; }

    public List<string> Violations { get; } = [];
}
