using System.Numerics;
using System.Text.Json;
using Multiproc.Python.Pickle;
using Multiproc.Tests.Shared;
using Xunit.Abstractions;

namespace Multiproc.Tests.Python;

/// <summary>The judge is CPython: it pickles a corpus at protocols 2, 4 and 5, C# reads each pickle and writes it
/// back at protocols 2 and 4, and CPython loads what C# wrote and compares it with its own reload.</summary>
[Trait("Kind", "Process")]
public sealed class PickleRoundTripTests(ITestOutputHelper output)
{
    private static readonly string s_script = Path.Combine(AppContext.BaseDirectory, "Python", "pickle_corpus.py");

    private static readonly (string Name, object Value)[] s_authored =
    [
        ("keyerror", PyObject.Reduce("builtins", "KeyError", 42L)),
        ("keyerror_str", PyObject.Reduce("builtins", "KeyError", "missing")),
        ("queue_empty", PyObject.Reduce("_queue", "Empty")),
        ("queue_full", PyObject.Reduce("queue", "Full")),
        ("broken_barrier", PyObject.Reduce("threading", "BrokenBarrierError")),
        ("slice", PyObject.Reduce("builtins", "slice", 1L, 3L, null)),
        ("bytes", new PyBytes([0, 0xff, 0x20, 0x61, 0x62])),
        ("int_2_100", System.Numerics.BigInteger.Pow(2, 100)),
        ("int_neg_2_100", -System.Numerics.BigInteger.Pow(2, 100)),
        ("str_astral", "\U0001D11E clef"),
        ("frozenset", new PyFrozenSet([1L, 2L])),
    ];

    public static TheoryData<string> Interpreters => PythonInterpreters.Versions;

    [Theory]
    [MemberData(nameof(Interpreters))]
    public async Task Corpus_ReadThenWrittenBack_CPythonLoadsEqualValues(string version)
    {
        string python = PythonInterpreters.Get(version).Path;
        ChildProcessResult produced = await ChildProcessRunner.RunAsync(python, [s_script, "produce"], environment: null);
        Assert.True(produced.ExitCode == 0, produced.Error);
        string file = Path.Combine(Path.GetTempPath(), $"mp-pickle-{Guid.NewGuid():N}.jsonl");
        try
        {
            int cases = 0;
            using (var writer = new StreamWriter(file))
            {
                foreach (string line in produced.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    using var json = JsonDocument.Parse(line);
                    string name = json.RootElement.GetProperty("name").GetString()!;
                    int protocol = json.RootElement.GetProperty("proto").GetInt32();
                    object? value = PickleReader.Read(Convert.FromBase64String(json.RootElement.GetProperty("data").GetString()!));
                    CheckModel(name, value);
                    foreach (int written in new[] { 2, 4 })
                    {
                        string data = Convert.ToBase64String(PickleWriter.Write(value, written));
                        await writer.WriteLineAsync(JsonSerializer.Serialize(new { name, proto = protocol, @out = written, data }));
                        cases++;
                    }
                }

                // Values built in C#, as the server builds #ERROR replies: CPython must load the real classes.
                foreach ((string name, object value) in s_authored)
                {
                    foreach (int written in new[] { 2, 4 })
                    {
                        string data = Convert.ToBase64String(PickleWriter.Write(value, written));
                        await writer.WriteLineAsync(JsonSerializer.Serialize(new { name, proto = 4, @out = written, data }));
                        cases++;
                    }
                }
            }

            ChildProcessResult verified = await ChildProcessRunner.RunAsync(python, [s_script, "verify", file], environment: null);
            output.WriteLine($"{python}: {cases} pickles written back");
            output.WriteLine(string.Join('\n', verified.Output.Split('\n').Where(l => !l.StartsWith("ok ", StringComparison.Ordinal))));
            Assert.True(verified.ExitCode == 0, verified.Error);
            Assert.Contains("failures 0", verified.Output, StringComparison.Ordinal);
            Assert.True(cases > 300, $"only {cases} cases");
        }
        finally
        {
            File.Delete(file);
            Assert.False(File.Exists(file));
        }
    }

    /// <summary>The decoded model of the primitive corpus entries (the opaque ones are judged by CPython alone).</summary>
    private static void CheckModel(string name, object? value)
    {
        switch (name)
        {
            case "int_small":
                Assert.Equal(7L, value);
                break;
            case "int_i64max":
                Assert.Equal(long.MaxValue, value);
                break;
            case "int_2_100":
                Assert.Equal(BigInteger.Pow(2, 100), value);
                break;
            case "int_neg_2_100":
                Assert.Equal(-BigInteger.Pow(2, 100), value);
                break;
            case "int_huge":
                Assert.Equal(BigInteger.Pow(2, 2100), value);
                break;
            case "nan":
                Assert.True(value is double d && double.IsNaN(d));
                break;
            case "str_astral":
                Assert.Equal("\U0001D11E clef", value);
                break;
            case "str_empty":
                Assert.Equal("", value);
                break;
            case "str_lone_surrogate":
                Assert.Equal("\ud800", value);
                break;
            case "bytes":
                Assert.Equal(new byte[] { 0, 0xff, 0x20, 0x61, 0x62 }, Assert.IsType<PyBytes>(value).Value.ToArray());
                break;
            case "bytearray":
                Assert.Equal("abc"u8.ToArray(), Assert.IsType<PyByteArray>(value).Items);
                break;
            case "none":
                Assert.Null(value);
                break;
            case "true":
                Assert.Equal(true, value);
                break;
            case "tuple":
                Assert.Equal<object?>(new object?[] { 1L, "a", null }, Assert.IsType<PyTuple>(value));
                break;
            case "dict":
                var dict = Assert.IsType<PyDict>(value);
                Assert.Equal(6, dict.Count);
                Assert.Equal("tuple key", dict[new PyTuple(1L, 2L)]);
                Assert.Equal("bool key", dict[0L]);
                Assert.Equal<object?>(new object?[] { "z", "a" }, dict.Keys.Take(2));
                break;
            case "set":
                Assert.Contains(new PyTuple(2L, 3L), Assert.IsType<PySet>(value).Items);
                break;
            case "frozenset":
                Assert.True(Assert.IsType<PyFrozenSet>(value).Contains(2L));
                break;
            case "request":
                var request = Assert.IsType<PyTuple>(value);
                Assert.Null(request[0]);
                Assert.Equal("create", request[1]);
                var args = Assert.IsType<PyTuple>(request[2]);
                Assert.Equal("list", args[0]);
                Assert.Equal<object?>(new object?[] { 1L, "a" }, Assert.IsType<PyList>(args[1]).Items);
                Assert.Equal(0, Assert.IsType<PyDict>(request[3]).Count);
                break;
            case "slice":
                Assert.True(Assert.IsType<PyObject>(value).TryGetSlice(out object? start, out object? stop, out object? step));
                Assert.Equal(1L, start);
                Assert.Equal(3L, stop);
                Assert.Null(step);
                break;
            case "keyerror":
                var error = Assert.IsType<PyObject>(value);
                Assert.Equal(new PyGlobal("builtins", "KeyError"), error.Class);
                Assert.Equal(42L, error.Args[0]);
                break;
            case "employee":
                var employee = Assert.IsType<PyObject>(value);
                Assert.Equal("Employee", employee.Class?.Name);
                Assert.Equal("Alice", Assert.IsType<PyDict>(employee.State)["name"]);
                break;
            case "rebuild_proxy":
                var rebuild = Assert.IsType<PyObject>(Assert.IsType<PyTuple>(Assert.IsType<PyTuple>(value)[2])[1]);
                Assert.Equal(new PyGlobal("multiprocessing.managers", "RebuildProxy"), rebuild.Class);
                Assert.Equal(new PyGlobal("multiprocessing.managers", "ListProxy"), rebuild.Args[0]);
                var token = Assert.IsType<PyObject>(rebuild.Args[1]);
                Assert.Equal(PyObjectKind.NewObj, token.Kind);
                Assert.Equal("7f10", Assert.IsType<PyTuple>(token.State)[2]);
                break;
        }
    }
}
