using System.Text;
using Multiproc.Python.Pickle;

namespace Multiproc.Tests.Python;

public sealed class PickleWriterTests
{
    [Fact]
    public void Write_KeyErrorAtProtocol2_IsGlobalArgsReduce()
    {
        byte[] pickle = PickleWriter.Write(PyObject.Reduce("builtins", "KeyError", 42L), protocol: 2);

        Assert.Equal(Latin1("\u0080\u0002cbuiltins\nKeyError\nK*\u0085q\u0000Rq\u0001."), pickle);
    }

    [Fact]
    public void Write_QueueEmptyAtProtocol2_IsGlobalEmptyTupleReduce()
    {
        byte[] pickle = PickleWriter.Write(PyObject.Reduce("_queue", "Empty"), protocol: 2);

        Assert.Equal(Latin1("\u0080\u0002c_queue\nEmpty\n)Rq\u0000."), pickle);
    }

    [Fact]
    public void Write_Protocol4_OneFrameAroundTheBody()
    {
        byte[] pickle = PickleWriter.Write(new PyTuple("#RETURN", 1L), protocol: 4);

        Assert.Equal([0x80, 4, 0x95], pickle[..3]);
        Assert.Equal((ulong)(pickle.Length - 11), BitConverter.ToUInt64(pickle, 3));
        Assert.Equal((byte)'.', pickle[^1]);
    }

    [Fact]
    public void Write_SharedList_WrittenOnceAndReadBackShared()
    {
        var shared = new PyList([1L]);
        var list = Assert.IsType<PyList>(PickleReader.Read(PickleWriter.Write(new PyList([shared, shared]), protocol: 2)));

        Assert.Same(list.Items[0], list.Items[1]);
    }

    [Fact]
    public void Write_OpaqueObject_ReadsBackTheSameTree()
    {
        var obj = new PyObject(new PyGlobal("__main__", "Bag"), new PyTuple(1L), PyObjectKind.NewObjEx, new PyDict { ["k"] = 2L });
        obj.ListItems.Add("item");
        obj.DictItems.Add(new KeyValuePair<object?, object?>("key", "value"));
        obj.SetState(new PyDict { ["x"] = 3L });

        foreach (int protocol in new[] { 2, 4 })
        {
            var back = Assert.IsType<PyObject>(PickleReader.Read(PickleWriter.Write(obj, protocol)));
            if (protocol == 4)
            {
                Assert.Equal(PyObjectKind.NewObjEx, back.Kind);
                Assert.Equal(2L, back.Kwargs!["k"]);
            }
            else
            {
                // Protocol 2 has no NEWOBJ_EX: Python's own spelling is a REDUCE of copyreg.__newobj_ex__.
                Assert.Equal(new PyGlobal("copyreg", "__newobj_ex__"), back.Class);
            }

            Assert.Equal<object?>(new object?[] { "item" }, back.ListItems);
            Assert.Equal("value", Assert.Single(back.DictItems).Value);
            Assert.Equal(3L, Assert.IsType<PyDict>(back.State)["x"]);
        }
    }

    [Fact]
    public void Write_ValueOutsideTheModel_Throws()
    {
        Assert.Throws<ArgumentException>(() => PickleWriter.Write(new PyList([DateTime.Now])));
        Assert.Throws<ArgumentOutOfRangeException>(() => PickleWriter.Write(1L, protocol: 3));
    }

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);
}
