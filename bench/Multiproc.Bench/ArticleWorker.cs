namespace Multiproc.Bench;

/// <summary>The article's worker (samples/Employees Worker.Work with no per-employee sleep and no printing).</summary>
public static class ArticleWorker
{
    public static void Work(ISharedList<ArticleEmployee> employees, IArticlePayroll payroll, ArticleLedger ledger, string name)
    {
        ArgumentNullException.ThrowIfNull(employees);
        ArgumentNullException.ThrowIfNull(payroll);
        ArgumentNullException.ThrowIfNull(ledger);
        while (employees.TryPop(out ArticleEmployee? employee))
        {
            decimal percent = employee.Department == "Engineering" ? 10m : 5m;
            decimal newSalary = payroll.GiveRaise(employee, percent, name);
            ledger.DepartmentTotals.Increment(employee.Department, newSalary);
            using (ledger.TopEarnerLock.Lock())
            {
                if (!ledger.TopEarner.TryGetValue("salary", out decimal top) || newSalary > top)
                {
                    ledger.TopEarner.SetValue("salary", newSalary);
                    ledger.TopEarner.SetValue("name", employee.Name);
                }
            }
        }
    }
}
