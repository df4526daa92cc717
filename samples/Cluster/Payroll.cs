namespace Cluster;

/// <summary>An employee as plain data: it travels by value through the shared list.</summary>
public sealed record Employee(string Name, string Department, decimal Salary);

/// <summary>The payroll office: a class of ours that lives on one silo and that every worker calls.</summary>
public interface IPayroll
{
    /// <summary>Pays a raise and returns the employee's new salary.</summary>
    decimal GiveRaise(Employee employee, decimal percent, string worker);

    /// <summary>Total paid in raises so far.</summary>
    decimal TotalRaises { get; }

    /// <summary>The best-paid employee after the raises so far, or null before the first one.</summary>
    Employee? TopEarner { get; }

    /// <summary>How many employees each worker processed.</summary>
    Dictionary<string, int> ProcessedBy();

    /// <summary>The process this object lives in: the silo that Orleans placed it on.</summary>
    int ProcessId { get; }
}

/// <summary>
/// A plain class with no locking: on a cluster as on one manager, calls on one object never overlap.
/// </summary>
/// <remarks>
/// The top earner is kept here rather than in a namespace under a shared lock (samples/Employees):
/// one method call is atomic, and the waiting built-ins (locks) are not served by a cluster yet.
/// </remarks>
public sealed class Payroll : IPayroll
{
    private readonly Dictionary<string, int> _processedBy = [];

    public decimal TotalRaises { get; private set; }

    public Employee? TopEarner { get; private set; }

    public int ProcessId => Environment.ProcessId;

    public decimal GiveRaise(Employee employee, decimal percent, string worker)
    {
        decimal raise = Math.Round(employee.Salary * percent / 100m, 2);
        TotalRaises += raise;
        _processedBy[worker] = _processedBy.GetValueOrDefault(worker) + 1;
        decimal newSalary = employee.Salary + raise;
        if (TopEarner is null || newSalary > TopEarner.Salary)
        {
            TopEarner = employee with { Salary = newSalary };
        }

        return newSalary;
    }

    public Dictionary<string, int> ProcessedBy() => new(_processedBy);
}
