using Multiproc.Python.Pickle;
using Multiproc.Server;

namespace Multiproc.Python.Server;

/// <summary>Dictionary keys compared as Python compares them (<c>1 == 1.0 == True</c>, tuples by value), whichever client stored them.</summary>
/// <exception cref="PythonTypeErrorException">Hashing an unhashable key (a list, a dict): Python's <c>TypeError</c>.</exception>
internal sealed class PythonStoredKeyComparer(PythonValues values) : IEqualityComparer<EncodedValue>
{
    public bool Equals(EncodedValue x, EncodedValue y)
        => PythonEquality.Instance.Equals(values.DecodeKey(x), values.DecodeKey(y));

    public int GetHashCode(EncodedValue obj) => PythonEquality.Instance.GetHashCode(values.DecodeKey(obj));
}
