namespace Multiproc.Tests.Python.Suite;

/// <summary>A fact that is skipped, saying why, when no CPython 3.13+ with its test package is installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class CPythonSuiteFactAttribute : FactAttribute
{
    public CPythonSuiteFactAttribute()
    {
        if (CPythonManagerSuite.Interpreter is null)
        {
            Skip = "No CPython 3.13+ with its test package (lib/python3.13/test/test_multiprocessing_spawn) was found; "
                + "install one with pyenv (pyenv install 3.13) to run CPython's manager tests.";
        }
    }
}
