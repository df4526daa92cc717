
namespace Multiproc.Server.BuiltIns;

/// <summary>
/// One value removed from a gated container (a list, a dictionary) and handed to a caller: on
/// commit the container's holds on it are dropped; on return the container puts it back.
/// </summary>
/// <remarks>The return runs behind the container's gate (see <see cref="Lease"/>), so it needs no lock of its own.</remarks>
internal sealed class ValueLease : Lease
{
    private readonly EncodedValue _value;
    private readonly Action<EncodedValue> _putBack;

    /// <param name="value">The value removed, still holding the container's references.</param>
    /// <param name="putBack">Puts the value back (or releases it when it cannot go back).</param>
    public ValueLease(EncodedValue value, Action<EncodedValue> putBack)
    {
        _value = value;
        _putBack = putBack;
    }

    protected override void OnCommitted() => _value.Release();

    protected override void OnReturned() => _putBack(_value);
}
