namespace PythonInterop;

/// <summary>The one real employee object, held by the manager; every proxy, C# or Python, calls this.</summary>
public sealed class Employee(string name, decimal salary) : IEmployee
{
    public string Name => name;

    public decimal Salary { get; set; } = salary;

    public decimal Raise(decimal percent) => Salary = decimal.Round(Salary * (1 + (percent / 100)), 2);
}
