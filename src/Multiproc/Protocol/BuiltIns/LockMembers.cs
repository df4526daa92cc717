namespace Multiproc.Protocol.BuiltIns;

/// <summary>The member names the lock proxy calls on the manager's <c>SharedLockServer</c>; a test checks each against that type.</summary>
internal static class LockMembers
{
    public const string FencingToken = "FencingToken";
    public const string IsLocked = "IsLocked";
    public const string Release = "Release";
}
