namespace Multiproc.Protocol.BuiltIns;

/// <summary>The member names the value proxy calls on the manager's <c>SharedValueServer</c>; a test checks each against that type.</summary>
internal static class ValueMembers
{
    public const string CompareExchange = "CompareExchange";
    public const string Exchange = "Exchange";
    public const string Get = "Get";
    public const string Increment = "Increment";
    public const string Set = "Set";
}
