namespace Multiproc.Protocol.BuiltIns;

/// <summary>The member names the namespace proxy calls on the manager's <c>SharedNamespaceServer</c>; a test checks each against that type.</summary>
internal static class NamespaceMembers
{
    public const string Names = "Names";
    public const string Remove = "Remove";
    public const string Set = "Set";
    public const string TryGet = "TryGet";
}
