using System.Numerics;
using Multiproc.Python.Client;
using Multiproc.Python.Pickle;

namespace Multiproc.Tests.Python.Client;

/// <summary>The client's value mapping in process: .NET to the pickle model and back, and the conversions to asked types.</summary>
public sealed class PythonValueMappingTests
{
    [Fact]
    public void Encode_Values_BecomeTheModelsPythonTypes()
    {
        Assert.Equal(5L, PythonValueEncoder.Encode(5));
        Assert.Equal(new BigInteger(ulong.MaxValue), PythonValueEncoder.Encode(ulong.MaxValue));
        Assert.Equal(7L, PythonValueEncoder.Encode(new BigInteger(7)));
        Assert.IsType<PyBytes>(PythonValueEncoder.Encode(new byte[] { 1 }));
        Assert.IsType<PyTuple>(PythonValueEncoder.Encode((1, "a")));
        Assert.IsType<PyList>(PythonValueEncoder.Encode(new[] { 1, 2 }));
        Assert.IsType<PySet>(PythonValueEncoder.Encode(new HashSet<int> { 1 }));
        Assert.IsType<PyDict>(PythonValueEncoder.Encode(new Dictionary<string, int> { ["a"] = 1 }));
        PyObject dec = Assert.IsType<PyObject>(PythonValueEncoder.Encode(1.50m));
        Assert.Equal(new PyGlobal("decimal", "Decimal"), dec.Class);
        Assert.Equal("1.50", dec.Args[0]);
    }

    [Fact]
    public void Encode_UnsupportedValues_ThrowArgumentException()
    {
        Assert.Throws<ArgumentException>(() => PythonValueEncoder.Encode(new object()));
        Assert.Throws<ArgumentException>(() => PythonValueEncoder.Encode(new Dictionary<int[], int> { [[1]] = 1 }));
    }

    [Fact]
    public void Decode_AfterAPickleRoundTrip_GivesTheDotNetValues()
    {
        var utc = new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1230);
        object?[] values = [utc, new DateTimeOffset(2020, 1, 2, 3, 4, 5, TimeSpan.FromMinutes(-330)), TimeSpan.FromSeconds(-1.5), new DateOnly(2001, 2, 3), 3.25m];

        foreach (object? value in values)
        {
            object? model = PickleReader.Read(PickleWriter.Write(PythonValueEncoder.Encode(value), protocol: 2));
            Assert.Equal(value, PythonValueDecoder.Decode(model, null));
        }
    }

    [Fact]
    public void Decode_UnknownObjects_StayOpaqueAndEncodeBackUnchanged()
    {
        PyObject fraction = PyObject.Reduce("fractions", "Fraction", "1/3");

        OpaquePythonValue opaque = Assert.IsType<OpaquePythonValue>(PythonValueDecoder.Decode(fraction, null));

        Assert.Equal("fractions.Fraction", opaque.TypeName);
        // Sent back, it is the same object again: the same pickle.
        Assert.Equal(PickleWriter.Write(fraction), PickleWriter.Write(PythonValueEncoder.Encode(opaque)));
    }

    [Fact]
    public void Decode_DictKeys_UsePythonEquality()
    {
        var dict = new PyDict { [new PyTuple(1L, "a")] = 1L, [2L] = "two" };

        var decoded = Assert.IsType<Dictionary<object, object?>>(PythonValueDecoder.Decode(dict, null));

        Assert.Equal(1L, decoded[new object?[] { 1L, "a" }]);
        Assert.Equal("two", decoded[2.0]);
        Assert.Throws<NotSupportedException>(() => PythonValueDecoder.Decode(new PyDict { [null] = 1L }, null));
    }

    [Fact]
    public void To_ConvertsToTheAskedTypes()
    {
        Assert.Equal(3, PythonValueConverter.To<int>(3L));
        Assert.Equal(3.0, PythonValueConverter.To<double>(3L));
        Assert.Equal((1, "a"), PythonValueConverter.To<(int, string)>(new object?[] { 1L, "a" }));
        Assert.Equal([1, 2], PythonValueConverter.To<int[]>(new List<object?> { 1L, 2L }));
        Assert.Equal(new Dictionary<string, long> { ["k"] = 1 }, PythonValueConverter.To<Dictionary<string, long>>(new Dictionary<object, object?> { ["k"] = 1L }));
        Assert.Null(PythonValueConverter.To<int?>(null));
        Assert.Throws<InvalidCastException>(() => PythonValueConverter.To<int>(null));
        Assert.Throws<InvalidCastException>(() => PythonValueConverter.To<int>(1.5));
        Assert.Throws<InvalidCastException>(() => PythonValueConverter.To<int>(long.MaxValue));
        Assert.Throws<InvalidCastException>(() => PythonValueConverter.To<string>(1L));
    }
}
