namespace Multiproc.Orleans.Grains;

/// <summary>What a published name refers to: enough to build a reference (ext 42) without asking the object.</summary>
/// <param name="ObjectId">The object's id (its grain key).</param>
/// <param name="TypeId">The object's registered type id.</param>
[GenerateSerializer]
[Immutable]
[Alias("Multiproc.Orleans.NameBinding")]
internal sealed record NameBinding([property: Id(0)] long ObjectId, [property: Id(1)] string TypeId);
