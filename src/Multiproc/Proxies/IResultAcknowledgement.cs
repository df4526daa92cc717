namespace Multiproc.Proxies;

/// <summary>
/// A leased result that a backend takes back on its own unless the caller acknowledges it: sent by
/// <see cref="Reply.Decode"/> once the value has been decoded, before it reaches user code.
/// </summary>
/// <remarks>
/// A cluster's queue take (Multiproc.Orleans): the item stays the taker's until acknowledged, and goes
/// back to the queue when its lease ends. Acknowledging after the decode means a value that cannot be
/// decoded is never acknowledged, so it is delivered again rather than lost.
/// </remarks>
internal interface IResultAcknowledgement
{
    /// <summary>Acknowledges the result; returns once the host has it.</summary>
    /// <exception cref="ManagerUnavailableException">The host did not answer: it will hand the value out again.</exception>
    /// <exception cref="KeyNotFoundException">The host no longer knows the lease (it ended first, and the value went back).</exception>
    void Acknowledge();
}
