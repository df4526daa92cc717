namespace Multiproc.Protocol.BuiltIns;

/// <summary>The member names the list proxy calls on the manager's <c>SharedListServer</c>; a test checks each against that type.</summary>
internal static class ListMembers
{
    public const string Add = "Add";
    public const string AddRange = "AddRange";
    public const string Clear = "Clear";
    public const string Count = "Count";
    public const string Get = "Get";
    public const string IndexOf = "IndexOf";
    public const string Insert = "Insert";
    public const string Remove = "Remove";
    public const string RemoveAt = "RemoveAt";
    public const string Set = "Set";
    public const string ToArray = "ToArray";
    public const string TryPop = "TryPop";
}
