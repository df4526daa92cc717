namespace Multiproc.Bench;

/// <summary>A bare Orleans grain: the floor a shared object's call on the same silos is compared with.</summary>
public interface IEchoGrain : IGrainWithIntegerKey
{
    /// <summary>Returns <paramref name="value"/>.</summary>
    Task<int> Echo(int value);

    /// <summary>The silo process this grain lives in: the bench puts the echo grain on the same silo as the object it is compared with.</summary>
    Task<int> ProcessId();
}
