namespace Multiproc.Server;

/// <summary>The untyped view of <see cref="Leased{T}"/>, for the call that sends it.</summary>
internal interface ILeasedResult
{
    /// <summary>Gets the value to send.</summary>
    object? Value { get; }

    /// <summary>Gets the lease on the value, or null when nothing was handed over (an empty take).</summary>
    Lease? Lease { get; }
}
