namespace Multiproc.Protocol.BuiltIns;

/// <summary>What one slice of a condition wait (<see cref="ConditionMembers.WaitSlice"/>) returns.</summary>
/// <remarks>
/// A slice that ends before the lock is held again answers <see cref="Reacquiring"/> with the depth of the hold it
/// restores, a negative number: the caller sends that depth with each resume, so a resume that finds its reacquire
/// gone (withdrawn, or lost with its host's memory) can start it again at the same depth.
/// </remarks>
internal static class WaitSliceOutcome
{
    /// <summary>
    /// The <c>resumeDepth</c> argument of a first slice sent again because its answer was lost (the depth it would
    /// have given is unknown); 0 starts a wait, a positive depth resumes one.
    /// </summary>
    public const int RepeatedFirstSlice = -1;

    /// <summary>The slice's time ran out; the caller holds the lock again.</summary>
    public const int TimedOut = 0;

    /// <summary>The caller was notified; it holds the lock again.</summary>
    public const int Notified = 1;

    /// <summary>
    /// The answer of a slice whose caller does not hold the lock again yet: its next <see cref="ConditionMembers.WaitSlice"/>
    /// call, with the same wait id and this <paramref name="depth"/>, resumes the reacquire (it is not a new wait).
    /// </summary>
    public static int Reacquiring(int depth) => depth >= 1 ? -depth : throw new ArgumentOutOfRangeException(nameof(depth));

    /// <summary>Whether <paramref name="outcome"/> is a <see cref="Reacquiring"/> answer.</summary>
    public static bool IsReacquiring(int outcome) => outcome < 0;

    /// <summary>The depth a <see cref="Reacquiring"/> answer restores.</summary>
    public static int DepthOf(int outcome) => -outcome;
}
