namespace Multiproc.Protocol.BuiltIns;

/// <summary>The member names the condition proxy calls on the manager's <c>SharedConditionServer</c>; a test checks each against that type.</summary>
internal static class ConditionMembers
{
    public const string Notify = "Notify";
    public const string NotifyAll = "NotifyAll";
    public const string Wait = "Wait";

    /// <summary>One slice of a wait on a backend that slices waits: returns a <see cref="WaitSliceOutcome"/>.</summary>
    public const string WaitSlice = "WaitSlice";
}
