using System.Diagnostics;
using Multiproc.Python.Pickle;

namespace Multiproc.Tests.Python;

public sealed class PickleReaderTests
{
    // (None, 'create', ('list', [1, 'a']), {}) as a 3.13 client sends it (docs: python-wire-protocol review, 4.1).
    private static readonly byte[] s_create = Convert.FromHexString(
        "8004952300000000000000284e8c06637265617465948c046c697374945d94284b018c016194658694" + "7d9474942e");

    [Fact]
    public void Read_CapturedCreateRequest_DecodesTheModel()
    {
        var request = Assert.IsType<PyTuple>(PickleReader.Read(s_create));

        Assert.Equal(4, request.Count);
        Assert.Null(request[0]);
        Assert.Equal("create", request[1]);
        var args = Assert.IsType<PyTuple>(request[2]);
        Assert.Equal<object?>(new object?[] { 1L, "a" }, Assert.IsType<PyList>(args[1]).Items);
        Assert.Equal(0, Assert.IsType<PyDict>(request[3]).Count);
    }

    [Fact]
    public void Read_EveryTruncation_ThrowsProtocolViolation()
    {
        for (int length = 0; length < s_create.Length; length++)
        {
            Assert.Throws<ProtocolViolationException>(() => PickleReader.Read(s_create.AsMemory(0, length)));
        }
    }

    [Fact]
    public void Read_Protocol2Bytes_BecomePyBytes()
    {
        byte[] pickle = PickleWriter.Write(new PyBytes([0, 0xff, 0x41]), protocol: 2);

        Assert.Contains("c_codecs\nencode\n", System.Text.Encoding.Latin1.GetString(pickle), StringComparison.Ordinal);
        Assert.Equal([0, 0xff, 0x41], Assert.IsType<PyBytes>(PickleReader.Read(pickle)).Value.ToArray());
    }

    [Fact]
    public void Read_AppendsAndSetItemsOnAnObject_GoToItsItems()
    {
        // c__main__\nL\n ) R ( K1 K2 e ( K3 K4 u } b .
        byte[] pickle = L("c__main__\nL\n)R(K\u0001K\u0002e(K\u0003K\u0004u}b.");
        var obj = Assert.IsType<PyObject>(PickleReader.Read(pickle));

        Assert.Equal(new PyGlobal("__main__", "L"), obj.Class);
        Assert.Equal<object?>(new object?[] { 1L, 2L }, obj.ListItems);
        Assert.Equal(3L, Assert.Single(obj.DictItems).Key);
        Assert.IsType<PyDict>(obj.State);
    }

    public static TheoryData<string, byte[]> Bombs => new()
    {
        { "BINBYTES8 of 2**60", [0x80, 4, 0x8e, 0, 0, 0, 0, 0, 0, 0, 0x10, (byte)'.'] },
        { "BINUNICODE8 of 2**64-1", [0x80, 4, 0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, (byte)'.'] },
        { "BINUNICODE of 4 GiB", [0x80, 2, (byte)'X', 0xff, 0xff, 0xff, 0xff, (byte)'.'] },
        { "LONG4 of a negative length", [0x80, 2, 0x8b, 0xff, 0xff, 0xff, 0xff, (byte)'.'] },
        { "FRAME of 2**63", [0x80, 4, 0x95, 0, 0, 0, 0, 0, 0, 0, 0x80, (byte)'N', (byte)'.'] },
        { "BYTEARRAY8 of 2**40", [0x80, 5, 0x96, 0, 0, 0, 0, 1, 0, 0, 0, (byte)'.'] },
        { "100k MARKs", [0x80, 4, .. Enumerable.Repeat((byte)'(', 100_000), (byte)'.'] },
        { "100k EMPTY_LISTs", [0x80, 4, .. Enumerable.Repeat((byte)']', 100_000), (byte)'.'] },
        { "a 100k-deep list chain through the memo", [0x80, 4, (byte)']', 0x94, .. Repeat("h\0]q\0a0", 100_000), (byte)'.'] },
        { "a 100k-deep TUPLE1 chain", [0x80, 4, (byte)')', .. Enumerable.Repeat((byte)0x85, 100_000), (byte)'.'] },
        { "a 300-deep FROZENSET chain through the memo", [0x80, 4, (byte)'(', 0x91, (byte)'q', 0, .. Repeat("0(h\0\u0091q\0", 300), (byte)'.'] },
        { "2**40 values through shared lists", [0x80, 4, (byte)']', (byte)'q', 0, (byte)'0', .. Repeat("(h\0h\0lq\u00000", 40), (byte)'h', 0, (byte)'.'] },
        { "a hash bomb: 2**40 values through shared tuples as a key", [0x80, 4, (byte)')', (byte)'q', 0, (byte)'0', .. Repeat("h\0h\0\u0086q\u00000", 40), (byte)'}', (byte)'h', 0, (byte)'N', (byte)'s', (byte)'.'] },
        { "a list inside itself", [0x80, 4, (byte)']', 0x94, (byte)'h', 0, (byte)'a', (byte)'.'] },
        { "an unhashable key", [0x80, 4, (byte)'}', (byte)']', (byte)'N', (byte)'s', (byte)'.'] },
        { "an unhashable set member", [0x80, 4, 0x8f, (byte)'(', (byte)'}', 0x90, (byte)'.'] },
        { "NEXT_BUFFER", [0x80, 5, 0x97, (byte)'.'] },
        { "READONLY_BUFFER", [0x80, 5, (byte)'N', 0x98, (byte)'.'] },
        { "an unknown opcode", [0x80, 4, 0xff, (byte)'.'] },
        { "persistent id", [0x80, 4, (byte)'N', (byte)'Q', (byte)'.'] },
        { "protocol 6", [0x80, 6, (byte)'N', (byte)'.'] },
        { "bytes after STOP", [0x80, 4, (byte)'N', (byte)'.', 0] },
        { "two values at STOP", [0x80, 4, (byte)'N', (byte)'N', (byte)'.'] },
        { "empty stack at STOP", [0x80, 4, (byte)'.'] },
        { "POP of nothing", [0x80, 4, (byte)'0', (byte)'.'] },
        { "APPEND across a MARK", [0x80, 4, (byte)']', (byte)'(', (byte)'N', (byte)'a', (byte)'.'] },
        { "APPEND on an int", [0x80, 4, (byte)'K', 1, (byte)'N', (byte)'a', (byte)'.'] },
        { "BUILD on a list", [0x80, 4, (byte)']', (byte)'}', (byte)'b', (byte)'.'] },
        { "a second BUILD", L("\u0080\u0004c__main__\nL\n)R}b}b.") },
        { "REDUCE with a list of args", L("\u0080\u0004c__main__\nL\n]R.") },
        { "STACK_GLOBAL of ints", [0x80, 4, (byte)'K', 1, (byte)'K', 2, 0x93, (byte)'.'] },
        { "a missing memo entry", [0x80, 4, (byte)'h', 7, (byte)'.'] },
        { "a str that is not UTF-8", [0x80, 4, 0x8c, 2, 0xff, 0xfe, (byte)'.'] },
        { "latin-1 bytes above U+00FF", L("\u0080\u0002c_codecs\nencode\nX\u0002\u0000\u0000\u0000\u00c4\u0080X\u0006\u0000\u0000\u0000latin1\u0086R.") },
        { "a GLOBAL without its newline", L("\u0080\u0002cbuiltins") },
        { "an INT that is not a number", L("I12x\n.") },
    };

    [Theory]
    [MemberData(nameof(Bombs))]
    public void Read_Bomb_ThrowsProtocolViolationQuickly(string name, byte[] pickle)
    {
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<ProtocolViolationException>(() => PickleReader.Read(pickle));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"{name} took {clock.Elapsed}");
        Assert.False(string.IsNullOrEmpty(error.Message));
    }

    [Fact]
    public void Read_OverConfiguredLimits_ThrowsProtocolViolation()
    {
        var small = new PickleLimits(MaxInputBytes: 16, MaxDepth: 3, MaxMemoEntries: 2, MaxElements: 5);

        Assert.Throws<ProtocolViolationException>(() => PickleReader.Read(new byte[17], small));
        Assert.Throws<ProtocolViolationException>(() => PickleReader.Read(L("\u0080\u0004NN\u0094\u0094\u0094."), small));
        Assert.Throws<ProtocolViolationException>(() => PickleReader.Read(L("\u0080\u0004(K\u0001K\u0001K\u0001K\u0001K\u0001K\u0001l."), small));
        Assert.Throws<ProtocolViolationException>(() => PickleReader.Read(L("\u0080\u0004)\u0085\u0085\u0085."), small));
        Assert.IsType<PyTuple>(PickleReader.Read(L("\u0080\u0004)\u0085\u0085."), small));
    }

    private static byte[] L(string latin1) => System.Text.Encoding.Latin1.GetBytes(latin1);

    private static byte[] Repeat(string ascii, int times)
        => [.. Enumerable.Repeat(System.Text.Encoding.Latin1.GetBytes(ascii), times).SelectMany(b => b)];
}
