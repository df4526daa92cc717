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
    /// <summary>Acknowledges the result; returns once the host has it, or once it is known that it cannot be confirmed.</summary>
    /// <remarks>
    /// The value is decoded and is the caller's either way: an acknowledgement that may not have landed (the host did
    /// not answer, or the lease had ended) means only that the host may hand the value out again (at-least-once).
    /// Throwing would drop a value whose acknowledgement landed and whose reply was lost.
    /// </remarks>
    void Acknowledge();
}
