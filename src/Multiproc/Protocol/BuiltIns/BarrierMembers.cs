namespace Multiproc.Protocol.BuiltIns;

/// <summary>The member names the barrier proxy calls on the manager's <c>SharedBarrierServer</c>; a test checks each against that type.</summary>
internal static class BarrierMembers
{
    public const string CurrentPhaseNumber = "CurrentPhaseNumber";
    public const string IsBroken = "IsBroken";
    public const string ParticipantCount = "ParticipantCount";
    public const string ParticipantsRemaining = "ParticipantsRemaining";
    public const string Reset = "Reset";
    public const string SignalAndWait = "SignalAndWait";
}
