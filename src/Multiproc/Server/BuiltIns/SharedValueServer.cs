using Multiproc.Protocol.BuiltIns;

namespace Multiproc.Server.BuiltIns;

/// <summary>The manager's side of <see cref="ISharedValue{T}"/>: one encoded value, changed atomically.</summary>
internal sealed class SharedValueServer : IDisposable
{
    private readonly ElementCheck _check;
    private EncodedValue _value;

    public SharedValueServer(int kind, bool nullable, EncodedValue initial)
    {
        _check = new ElementCheck((ValueKind)kind, nullable, "shared value");
        Admit(initial);
        _value = initial;
    }

    public EncodedValue Get() => _value;

    public void Set(EncodedValue value) => Exchange(value);

    /// <summary>Stores <paramref name="value"/> and returns the previous value.</summary>
    public EncodedValue Exchange(EncodedValue value)
    {
        Admit(value);
        EncodedValue previous = _value;
        _value = value;
        return previous.Removed();
    }

    /// <summary>Stores <paramref name="value"/> if the current value encodes like <paramref name="comparand"/>; returns the value seen.</summary>
    public EncodedValue CompareExchange(EncodedValue value, EncodedValue comparand)
    {
        if (!_value.Equals(comparand))
        {
            return _value;
        }

        return Exchange(value);
    }

    public EncodedValue Increment(EncodedValue delta)
    {
        EncodedValue sum = NumberArithmetic.Add(_value, delta);
        _check.VerifySum(sum);
        _value = sum;
        return sum;
    }

    public void Dispose() => _value.Release();

    private void Admit(in EncodedValue value)
    {
        _check.Verify(value);
        value.Hold();
    }
}
