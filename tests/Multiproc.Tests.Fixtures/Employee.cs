using System.Globalization;

namespace Multiproc.Tests.Fixtures;

[SharedType(typeof(IEmployee))]
public sealed class Employee : IEmployee
{
    public Employee(string name, decimal salary)
    {
        Name = name;
        Salary = salary;
    }

    public Employee(string name)
        : this(name, 0m)
    {
    }

    public string Name { get; }

    public decimal Salary { get; set; }

    public IEmployee? Manager { get; set; }

    public Address Home { get; set; } = new("Main", 1);

    public decimal Raise(decimal amount) => Salary += amount;

    public decimal Raise(int percent, bool roundUp)
    {
        Salary += Salary * percent / 100m;
        Salary = roundUp ? Math.Ceiling(Salary) : Math.Floor(Salary);
        return Salary;
    }

    public Task<decimal> RaiseAsync(decimal amount) => Task.FromResult(Raise(amount));

    public ValueTask<string> DescribeAsync() => new(string.Create(CultureInfo.InvariantCulture, $"{Name} earns {Salary}"));

    public Task DelayAsync(int milliseconds, CancellationToken cancellationToken) => Task.Delay(milliseconds, cancellationToken);

    public void Fail(string kind) => throw kind switch
    {
        "argument" => new ArgumentException("bad argument from Fail"),
        "invalid" => new InvalidOperationException("invalid from Fail"),
        "keynotfound" => new KeyNotFoundException("missing from Fail"),
        _ => new CustomFailureException("custom from Fail"),
    };
}

public sealed class CustomFailureException : Exception
{
    public CustomFailureException()
    {
    }

    public CustomFailureException(string message)
        : base(message)
    {
    }

    public CustomFailureException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
