namespace Multiproc.Protocol.BuiltIns;

/// <summary>The type ids of the built-in shared objects, which every manager registers.</summary>
/// <remarks>Type ids start with <c>multiproc:</c>, a prefix user registrations should not use.</remarks>
internal static class BuiltInTypes
{
    public const string List = "multiproc:list";
    public const string Dictionary = "multiproc:dict";
    public const string Queue = "multiproc:queue";
    public const string Namespace = "multiproc:namespace";
    public const string Value = "multiproc:value";
    public const string Lock = "multiproc:lock";
    public const string Semaphore = "multiproc:semaphore";
    public const string Event = "multiproc:event";
    public const string Condition = "multiproc:condition";
    public const string Barrier = "multiproc:barrier";
    public const string Array = "multiproc:array";
}
