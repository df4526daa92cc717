namespace Multiproc.Protocol.BuiltIns;

/// <summary>The member names the event proxy calls on the manager's <c>SharedEventServer</c>; a test checks each against that type.</summary>
internal static class EventMembers
{
    public const string Clear = "Clear";
    public const string IsSet = "IsSet";
    public const string Set = "Set";
    public const string Wait = "Wait";
}
