using Multiproc.Protocol;

namespace Multiproc.Server;

/// <summary>
/// The result of a server method that hands a value over: the value, and the lease that gives it
/// back unless the caller's process confirms receipt.
/// </summary>
/// <typeparam name="T">The value's type; the reply is written as a <typeparamref name="T"/>.</typeparam>
/// <remarks>
/// A method returning <c>Leased&lt;T&gt;</c> (or a task of it) is sent as a
/// <see cref="Protocol.MessageKind.LeasedResult"/> when <see cref="Lease"/> is set, else as a plain result.
/// </remarks>
internal readonly struct Leased<T> : ILeasedResult
{
    public Leased(T value, Lease? lease)
    {
        Value = value;
        Lease = lease;
    }

    public T Value { get; }

    public Lease? Lease { get; }

    object? ILeasedResult.Value => Value;
}
