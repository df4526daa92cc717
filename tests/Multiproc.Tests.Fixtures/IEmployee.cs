
namespace Multiproc.Tests.Fixtures;

public interface IEmployee
{
    string Name { get; }

    decimal Salary { get; set; }

    decimal Raise(decimal amount);

    decimal Raise(int percent, bool roundUp);

    Task<decimal> RaiseAsync(decimal amount);

    ValueTask<string> DescribeAsync();

    Task DelayAsync(int milliseconds, CancellationToken cancellationToken);

    void Fail(string kind);

    IEmployee? Manager { get; set; }

    Address Home { get; set; }
}

public sealed record Address(string Street, int Number);
