namespace Multiproc;

/// <summary>Something a <see cref="SharedLockScope"/> releases once: the lock proxy it came from.</summary>
/// <remarks>Lets the public scope live in the root vocabulary while the proxy lives in the Proxies layer.</remarks>
internal interface IReleasable
{
    /// <summary>Releases one hold.</summary>
    void ReleaseOne();

    /// <summary>Releases one hold without blocking a thread.</summary>
    Task ReleaseOneAsync();
}
