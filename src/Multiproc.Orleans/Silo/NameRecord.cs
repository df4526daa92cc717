namespace Multiproc.Orleans.Silo;

/// <summary>What the grain storage holds for one published name: the object it refers to.</summary>
[GenerateSerializer]
[Alias("Multiproc.NameRecord")]
internal sealed class NameRecord
{
    /// <summary>Gets or sets the object's id.</summary>
    [Id(0)]
    public long ObjectId { get; set; }

    /// <summary>Gets or sets the object's registered type id.</summary>
    [Id(1)]
    public string TypeId { get; set; } = string.Empty;
}
