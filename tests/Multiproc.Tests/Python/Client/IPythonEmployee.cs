namespace Multiproc.Tests.Python.Client;

/// <summary>The C# face of <c>cpython_manager.py</c>'s <c>Employee</c>: <c>GetName</c> → <c>get_name</c>, <c>Raise</c> → <c>raise_</c>.</summary>
public interface IPythonEmployee : IDisposable
{
    string GetName();

    long Raise(long amount);

    Task<long> RaiseAsync(long amount, CancellationToken cancellationToken);

    ValueTask<decimal> GetSalaryAsync();
}
