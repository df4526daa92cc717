namespace Multiproc.Bench;

/// <summary>The article's payroll office, shared through the manager (copied from samples/Employees).</summary>
public interface IArticlePayroll
{
    decimal GiveRaise(ArticleEmployee employee, decimal percent, string worker);

    decimal TotalRaises { get; }

    Dictionary<string, int> ProcessedBy();
}

/// <summary>A plain class with no locking: the manager runs calls on one object one at a time.</summary>
public sealed class ArticlePayroll : IArticlePayroll
{
    private readonly Dictionary<string, int> _processedBy = [];

    public decimal TotalRaises { get; private set; }

    public decimal GiveRaise(ArticleEmployee employee, decimal percent, string worker)
    {
        ArgumentNullException.ThrowIfNull(employee);
        decimal raise = Math.Round(employee.Salary * percent / 100m, 2);
        TotalRaises += raise;
        _processedBy[worker] = _processedBy.GetValueOrDefault(worker) + 1;
        return employee.Salary + raise;
    }

    public Dictionary<string, int> ProcessedBy() => new(_processedBy);
}
