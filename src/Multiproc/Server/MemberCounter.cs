namespace Multiproc.Server;

/// <summary>Calls and errors of one member, counted as calls finish (for inspection).</summary>
internal sealed class MemberCounter
{
    private long _calls;
    private long _errors;

    public long Calls => Interlocked.Read(ref _calls);

    public long Errors => Interlocked.Read(ref _errors);

    public void Count(bool failed)
    {
        Interlocked.Increment(ref _calls);
        if (failed)
        {
            Interlocked.Increment(ref _errors);
        }
    }
}
