using System.Numerics;
using Multiproc.Python.Pickle;

namespace Multiproc.Tests.Python;

public sealed class PythonOrderingTests
{
    [Fact]
    public void Sort_Strings_ByCodePointAsPython()
    {
        string[] python = ["", "B", "Z", "a", "a b", "aa", "b", "é"];
        object?[] shuffled = ["é", "b", "a b", "Z", "", "aa", "B", "a"];

        Assert.Equal<object?>(python, shuffled.Order(PythonOrdering.Instance));
    }

    [Fact]
    public void Sort_AstralCharacters_AfterTheWholeBmp()
    {
        // UTF-16 ordinal puts U+1D11E (D834 DD1E) before U+FF21; code-point order, Python's, puts it after.
        object?[] values = ["\U0001D11E", "\uFF21", "\uE000", "z"];

        Assert.Equal<object?>(new object?[] { "z", "\uE000", "\uFF21", "\U0001D11E" }, values.Order(PythonOrdering.Instance));
    }

    [Fact]
    public void Sort_IntsAndFloats_Numerically()
    {
        object?[] values = [BigInteger.Pow(2, 70), 2.5, -1L, true, long.MaxValue, 1e30, double.NegativeInfinity];

        Assert.Equal<object?>(
            new object?[] { double.NegativeInfinity, -1L, true, 2.5, long.MaxValue, BigInteger.Pow(2, 70), 1e30 },
            values.Order(PythonOrdering.Instance));
    }

    [Fact]
    public void Sort_Reverse_StableAsPython()
    {
        var items = new List<object?> { 1L, 2.0, true, 2L, 1.0 };
        PythonOrdering.Sort(items, reverse: true);

        Assert.Equal<object?>(new object?[] { 2.0, 2L, 1L, true, 1.0 }, items);
        Assert.IsType<double>(items[0]);
        Assert.IsType<bool>(items[3]);
    }

    [Fact]
    public void Compare_TuplesAndLists_Lexicographically()
    {
        PythonOrdering order = PythonOrdering.Instance;
        Assert.True(order.Compare(new PyTuple(1L, "b"), new PyTuple(1.0, "c")) < 0);
        Assert.True(order.Compare(new PyTuple(1L), new PyTuple(1L, 0L)) < 0);
        Assert.True(order.Compare(new PyList([2L]), new PyList([1L, 9L])) > 0);
        Assert.True(order.Compare(new PyBytes("b"u8), new PyBytes("ab"u8)) > 0);
    }

    [Fact]
    public void Compare_UnorderableMix_ThrowsTypeError()
    {
        var items = new List<object?> { 1L, "a" };
        var error = Assert.Throws<PythonTypeErrorException>(() => PythonOrdering.Sort(items));
        Assert.Equal<object?>(new object?[] { 1L, "a" }, items);
        Assert.Contains("'<' not supported between instances of", error.Message, StringComparison.Ordinal);
        Assert.Throws<PythonTypeErrorException>(() => PythonOrdering.Instance.Compare(null, null));
        Assert.Throws<PythonTypeErrorException>(() => PythonOrdering.Instance.Compare(new PyTuple(1L), new PyList([1L])));
        Assert.Throws<PythonTypeErrorException>(() => PythonOrdering.Instance.Compare(new PyTuple(1L, "a"), new PyTuple(1L, 2L)));
    }
}
