using System.Numerics;
using CsCheck;
using Multiproc.Python.Pickle;
using Xunit.Abstractions;

namespace Multiproc.Tests.Hardening;

/// <summary>The pickle reader as a fuzz target: real pickles, mutated byte by byte and spliced with bombs, either
/// load or fail with <see cref="ProtocolViolationException"/>, within the runner's time budget.</summary>
public sealed class FuzzPickleTests(ITestOutputHelper output)
{
    private static readonly byte[][] s_seeds = Seeds();

    private static readonly byte[][] s_bombs =
    [
        [0x8e, 0, 0, 0, 0, 0, 0, 0, 0x10],
        [0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f],
        [(byte)'X', 0xff, 0xff, 0xff, 0x7f],
        [0x8b, 0xff, 0xff, 0xff, 0x7f],
        [0x95, 0, 0, 0, 0, 0, 0, 0, 0x80],
        [.. Enumerable.Repeat((byte)'(', 100_000)],
        [.. Enumerable.Repeat((byte)']', 5_000), .. Enumerable.Repeat((byte)'a', 4_999)],
        [(byte)']', 0x94, .. Enumerable.Repeat("h\0]q\0a0"u8.ToArray(), 20_000).SelectMany(b => b)],
        [(byte)')', .. Enumerable.Repeat((byte)0x85, 50_000)],
        [(byte)']', (byte)'q', 0, (byte)'0', .. Enumerable.Repeat("(h\0h\0lq\u00000"u8.ToArray(), 48).SelectMany(b => b), (byte)'h', 0],
        [(byte)')', (byte)'q', 0, (byte)'0', .. Enumerable.Repeat(System.Text.Encoding.Latin1.GetBytes("h\0h\0\u0086q\u00000"), 48).SelectMany(b => b), (byte)'}', (byte)'h', 0, (byte)'N', (byte)'s'],
        [(byte)'}', (byte)']', (byte)'N', (byte)'s'],
        [0x97],
    ];

    private static readonly Gen<(int Seed, FuzzMutation[] Mutations, int Bomb, uint At)> s_cases =
        Gen.Select(Gen.Int[0, s_seeds.Length - 1], FuzzMutation.Several, Gen.Int[-4, s_bombs.Length - 1], Gen.UInt);

    [Fact]
    public async Task Reader_MutatedPickles_LoadOrThrowProtocolViolationOnly()
    {
        int cases = await FuzzRunner.RunAsync("pickle-reader", s_cases, cases: 3000, check: input =>
        {
            byte[] pickle = Build(input);
            object? value;
            try
            {
                value = PickleReader.Read(pickle);
            }
            catch (ProtocolViolationException)
            {
                return Task.CompletedTask;
            }

            // Whatever the reader accepts, the writer writes and the reader reads again.
            PickleReader.Read(PickleWriter.Write(value, 4));
            PickleReader.Read(PickleWriter.Write(value, 2));
            return Task.CompletedTask;
        }, output, print: input => $"seed {input.Seed}, bomb {input.Bomb} at {input.At}, {string.Join(", ", input.Mutations.Select(m => m.ToString()))}");

        Assert.True(cases > 0);
    }

    private static byte[] Build((int Seed, FuzzMutation[] Mutations, int Bomb, uint At) input)
    {
        byte[] pickle = FuzzMutation.ApplyAll(s_seeds[input.Seed], input.Mutations);
        if (input.Bomb < 0)
        {
            return pickle;
        }

        int at = (int)(input.At % (uint)(pickle.Length + 1));
        return [.. pickle.AsSpan(0, at), .. s_bombs[input.Bomb], .. pickle.AsSpan(at)];
    }

    private static byte[][] Seeds()
    {
        var dict = new PyDict { ["z"] = 1L, [new PyTuple(1L, 2L)] = new PyBytes([0, 255]), [2.5] = null, [BigInteger.Pow(2, 100)] = true };
        var token = new PyObject(new PyGlobal("multiprocessing.managers", "Token"), PyTuple.Empty, PyObjectKind.NewObj);
        token.SetState(new PyTuple("list", new PyTuple("127.0.0.1", 47013L), "7f10"));
        var employee = new PyObject(new PyGlobal("__main__", "Employee"), PyTuple.Empty, PyObjectKind.NewObj);
        employee.SetState(new PyDict { ["name"] = "Alice", ["salary"] = 5000L });
        object?[] values =
        [
            new PyTuple(null, "create", new PyTuple("list", new PyList([1L, "a"])), new PyDict()),
            new PyTuple("7f1", "__setitem__", new PyTuple("inner", new PyObject(
                new PyGlobal("multiprocessing.managers", "RebuildProxy"),
                new PyTuple(new PyGlobal("multiprocessing.managers", "ListProxy"), token, "pickle", new PyDict()))), new PyDict()),
            new PyTuple("#ERROR", PyObject.Reduce("builtins", "KeyError", 42L)),
            new PyList([dict, new PySet([1L, "𝄞"]), new PyFrozenSet([3L]), new PyByteArray([1, 2]), double.NaN, -BigInteger.Pow(2, 70), employee, "é"]),
        ];
        return
        [
            .. values.SelectMany(v => new[] { PickleWriter.Write(v, 2), PickleWriter.Write(v, 4) }),
            Convert.FromHexString("8004952300000000000000284e8c06637265617465948c046c697374945d94284b018c016194658694" + "7d9474942e"),
        ];
    }
}
