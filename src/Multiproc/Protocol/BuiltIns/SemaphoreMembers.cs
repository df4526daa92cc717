namespace Multiproc.Protocol.BuiltIns;

/// <summary>The member names the semaphore proxy calls on the manager's <c>SharedSemaphoreServer</c>; a test checks each against that type.</summary>
internal static class SemaphoreMembers
{
    public const string CurrentCount = "CurrentCount";
    public const string Release = "Release";
}
