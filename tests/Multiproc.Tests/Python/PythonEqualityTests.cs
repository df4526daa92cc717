using System.Numerics;
using Multiproc.Python.Pickle;

namespace Multiproc.Tests.Python;

public sealed class PythonEqualityTests
{
    [Fact]
    public void DictKeys_OneIntFloatAndTrue_AreOneKey()
    {
        var dict = new PyDict
        {
            [1L] = "int",
            [1.0] = "float",
            [true] = "bool",
            [1] = "int32",
            [new BigInteger(1)] = "big",
        };

        Assert.Equal(1, dict.Count);
        Assert.Equal("big", dict[1L]);
        Assert.Equal(1L, Assert.Single(dict.Keys));
    }

    [Fact]
    public void DictKeys_FreshTupleFrozensetBytesAndBigInt_FindTheKey()
    {
        var dict = new PyDict
        {
            [new PyTuple(1L, 2L)] = "tuple",
            [new PyFrozenSet([1L, "a"])] = "frozenset",
            [new PyBytes("ab"u8)] = "bytes",
            [BigInteger.Pow(2, 100)] = "big",
            [null] = "none",
        };

        Assert.Equal("tuple", dict[new PyTuple(1L, 2.0)]);
        Assert.Equal("frozenset", dict[new PyFrozenSet(["a", true])]);
        Assert.Equal("bytes", dict[new PyBytes("ab"u8)]);
        Assert.Equal("big", dict[BigInteger.Pow(2, 100)]);
        Assert.Equal("big", dict[Math.Pow(2, 100)]);
        Assert.Equal("none", dict[null]);
    }

    [Fact]
    public void Dict_InsertionOrder_KeptAndOverwriteKeepsPosition()
    {
        var dict = new PyDict { ["z"] = 1L, ["a"] = 2L, ["m"] = 3L };
        dict["z"] = 4L;
        dict.Remove("a");
        dict["a"] = 5L;

        Assert.Equal<object?>(new object?[] { "z", "m", "a" }, dict.Keys);
        Assert.Equal(4L, dict["z"]);
    }

    [Fact]
    public void Hash_MutableContainer_ThrowsUnhashableTypeError()
    {
        var error = Assert.Throws<PythonTypeErrorException>(() => new PyDict { [new PyList()] = 1L });
        Assert.Equal("unhashable type: 'list'", error.Message);
        Assert.Throws<PythonTypeErrorException>(() => new PySet([new PyTuple(new PyDict())]));
    }

    [Fact]
    public void Equals_NumbersAcrossTypes_CompareExactly()
    {
        PythonEquality eq = PythonEquality.Instance;
        Assert.True(eq.Equals(2L, 2.0));
        Assert.True(eq.Equals(new BigInteger(long.MaxValue), long.MaxValue));
        Assert.False(eq.Equals((1L << 53) + 1, (double)(1L << 53)));
        Assert.False(eq.Equals(1L, "1"));
        Assert.False(eq.Equals(new PyTuple(1L), new PyList([1L])));
        Assert.True(eq.Equals(new PyList([1L, new PyTuple("a")]), new PyList([1.0, new PyTuple("a")])));
        Assert.True(eq.Equals(new PyBytes("a"u8), new PyByteArray("a"u8)));
        Assert.True(eq.Equals(new PySet([1L]), new PyFrozenSet([1.0])));
        Assert.Equal(eq.GetHashCode(3L), eq.GetHashCode(3.0));
        Assert.Equal(eq.GetHashCode(true), eq.GetHashCode(1L));
    }

    [Fact]
    public void Equals_NaN_OnlyTheSameObject()
    {
        object nan = double.NaN;
        Assert.True(PythonEquality.Instance.Equals(nan, nan));
        Assert.False(PythonEquality.Instance.Equals(double.NaN, double.NaN));
        Assert.True(PythonEquality.Instance.Equals(new PyList([nan]), new PyList([nan])));
    }
}
