namespace Multiproc.Protocol.BuiltIns;

/// <summary>The member names a client calls on the manager's <c>SharedArrayServer</c>; a test checks each against that type.</summary>
internal static class ArrayMembers
{
    public const string Name = "Name";
}
