namespace Multiproc.Protocol.BuiltIns;

/// <summary>The member names the dictionary proxy calls on the manager's <c>SharedDictionaryServer</c>; a test checks each against that type.</summary>
internal static class DictionaryMembers
{
    public const string AddOrUpdate = "AddOrUpdate";
    public const string Clear = "Clear";
    public const string ContainsKey = "ContainsKey";
    public const string Count = "Count";
    public const string Get = "Get";
    public const string GetMany = "GetMany";
    public const string GetOrAdd = "GetOrAdd";
    public const string Increment = "Increment";
    public const string Remove = "Remove";
    public const string Set = "Set";
    public const string SetMany = "SetMany";
    public const string Snapshot = "Snapshot";
    public const string TryAdd = "TryAdd";
    public const string TryGet = "TryGet";
    public const string TryRemove = "TryRemove";
    public const string TryUpdate = "TryUpdate";
}
