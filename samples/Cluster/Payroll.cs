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

    /// <summary>How many employees each worker processed.</summary>
    Dictionary<string, int> ProcessedBy();

    /// <summary>The process this object lives in: the silo that Orleans placed it on.</summary>
    int ProcessId { get; }
}

/// <summary>
/// A plain class with no locking: on a cluster as on one manager, calls on one object never overlap.
/// </summary>
public sealed class Payroll : IPayroll
{
    private readonly Dictionary<string, int> _processedBy = [];

    public decimal TotalRaises { get; private set; }

    public int ProcessId => Environment.ProcessId;

    public decimal GiveRaise(Employee employee, decimal percent, string worker)
    {
        decimal raise = Math.Round(employee.Salary * percent / 100m, 2);
        TotalRaises += raise;
        _processedBy[worker] = _processedBy.GetValueOrDefault(worker) + 1;
        return employee.Salary + raise;
    }

    public Dictionary<string, int> ProcessedBy() => new(_processedBy);
}
