namespace Multiproc.Orleans.Silo;

/// <summary>What the grain storage holds for one object id.</summary>
/// <remarks>
/// <para>Written at create, after each call that changed a persisted object, and at delete. The record outlives
/// the object: a deleted id keeps a tombstone and a volatile object's id keeps its type, so a stale proxy gets
/// "deleted" or "lost with its silo", and no later create can take the id and answer in its place.</para>
/// <para>Plain properties and Orleans' serializer attributes, so any grain storage can hold it (the Redis one writes
/// Orleans' binary format or JSON, the memory one copies it).</para>
/// </remarks>
[GenerateSerializer]
[Alias("Multiproc.ObjectRecord")]
internal sealed class ObjectRecord
{
    /// <summary>Gets or sets the registered type id.</summary>
    [Id(0)]
    public string TypeId { get; set; } = string.Empty;

    /// <summary>Gets or sets the create Call message that made the object: a retried create is recognised by it, and a built-in is rebuilt from it.</summary>
    [Id(1)]
    public byte[] CreateCall { get; set; } = [];

    /// <summary>Gets or sets the object's image (<see cref="FieldImage"/> or <see cref="BuiltInImage"/>), or null for a volatile object.</summary>
    [Id(2)]
    public byte[]? Image { get; set; }

    /// <summary>Gets or sets whether the object is kept in memory only (its image is never written).</summary>
    [Id(3)]
    public bool Volatile { get; set; }

    /// <summary>Gets or sets whether the object was deleted (a tombstone).</summary>
    [Id(4)]
    public bool Deleted { get; set; }

    /// <summary>Gets or sets whether a deleted object went by its type's idle timeout (<see cref="MultiprocSiloOptions.IdleTimeout{TInterface}(TimeSpan)"/>), not by a delete.</summary>
    /// <remarks>Id 9, apart from the others: a gap left for fields of the record's own kinds.</remarks>
    [Id(9)]
    public bool Expired { get; set; }
}
