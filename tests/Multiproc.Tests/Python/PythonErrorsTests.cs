using Multiproc.Python;
using Multiproc.Python.Pickle;
using Multiproc.Tests.Shared;

namespace Multiproc.Tests.Python;

/// <summary>
/// <c>#ERROR</c> exceptions (docs/python.md): stock CPython loads each as the real class with the right
/// <c>args</c>, so <c>except KeyError</c> and <c>e.args == (42,)</c> work in the client.
/// </summary>
[Trait("Kind", "Process")]
public sealed class PythonErrorsTests
{
    private const string Loader = """
        import base64, pickle, sys
        for line in sys.argv[1:]:
            e = pickle.loads(base64.b64decode(line))
            assert isinstance(e, BaseException), type(e)
            print(f"{type(e).__module__}.{type(e).__qualname__} {e.args!r}")
        """;

    public static TheoryData<string> Versions => PythonInterpreters.Versions;

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(Versions))]
    public async Task EveryError_LoadsInCPythonAsTheRealClassWithItsArgs(string version)
    {
        (PyObject Error, string Expected)[] cases =
        [
            (PythonErrors.KeyError(42L), "builtins.KeyError (42,)"),
            (PythonErrors.KeyError("missing"), "builtins.KeyError ('missing',)"),
            (PythonErrors.KeyError(new PyTuple(1L, 2L)), "builtins.KeyError ((1, 2),)"),
            (PythonErrors.QueueEmpty(), "_queue.Empty ()"),
            (PythonErrors.QueueFull(), "queue.Full ()"),
            (PythonErrors.BrokenBarrier(), "threading.BrokenBarrierError ()"),
            (PythonErrors.StopIteration(), "builtins.StopIteration ()"),
            (PythonErrors.AttributeError("no attribute 'x'"), "builtins.AttributeError (\"no attribute 'x'\",)"),
            (PythonErrors.From(new ArgumentOutOfRangeException(nameof(version), "out of range")), "builtins.IndexError"),
            (PythonErrors.From(new ArgumentException("bad")), "builtins.ValueError ('bad',)"),
            (PythonErrors.From(new SynchronizationLockException("not held")), "builtins.RuntimeError ('not held',)"),
            (PythonErrors.From(new PythonTypeErrorException("'<' not supported")), "builtins.TypeError (\"'<' not supported\",)"),
            (PythonErrors.From(new NotSupportedException("no")), "builtins.NotImplementedError ('no',)"),
            (PythonErrors.From(new DivideByZeroException("zero")), "builtins.ZeroDivisionError ('zero',)"),
            (PythonErrors.From(new IOException("disk")), "builtins.RuntimeError ('System.IO.IOException: disk',)"),
        ];
        string[] pickles = [.. cases.Select(c => Convert.ToBase64String(PickleWriter.Write(c.Error, 2)))];

        ChildProcessResult loaded = await ChildProcessRunner.RunAsync(
            PythonInterpreters.Get(version).Path, ["-c", Loader, .. pickles], environment: null);

        Assert.True(loaded.ExitCode == 0, loaded.Error);
        string[] lines = loaded.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(cases.Length, lines.Length);
        for (int i = 0; i < cases.Length; i++)
        {
            Assert.StartsWith(cases[i].Expected, lines[i], StringComparison.Ordinal);
        }
    }
}
