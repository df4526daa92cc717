namespace Multiproc.Protocol.BuiltIns;

/// <summary>What one slice of a condition wait (<see cref="ConditionMembers.WaitSlice"/>) returns.</summary>
internal static class WaitSliceOutcome
{
    /// <summary>The slice's time ran out; the caller holds the lock again.</summary>
    public const int TimedOut = 0;

    /// <summary>The caller was notified; it holds the lock again.</summary>
    public const int Notified = 1;

    /// <summary>The caller does not hold the lock again yet: its next <see cref="ConditionMembers.WaitSlice"/> call resumes the reacquire (not a new wait).</summary>
    public const int Reacquiring = 2;
}
