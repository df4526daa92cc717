using System.Globalization;
using Multiproc;

namespace Cluster;

/// <summary>What each worker process runs: pop employees until the list is empty.</summary>
/// <remarks>The same code as against one manager: the proxies it gets came from a cluster, and the worker reconnects to the cluster from their address.</remarks>
public static class Worker
{
    public static void Work(ISharedList<Employee> employees, IPayroll payroll, Ledger ledger, WorkerSettings settings)
    {
        int processed = 0;
        while (employees.TryPop(out Employee? employee))
        {
            // The "processing" of an employee: a pause the demo can see, zero when benchmarking.
            Thread.Sleep(settings.WorkMilliseconds);
            decimal percent = employee.Department == "Engineering" ? 10m : 5m;
            decimal newSalary = payroll.GiveRaise(employee, percent, settings.Name);

            // One atomic call on the dictionary's grain: no lost updates between the two workers.
            ledger.DepartmentTotals.Increment(employee.Department, newSalary);

            // Several calls that must be seen together: done under the shared lock (a cluster lock is leased
            // to this worker's session, so a worker that dies mid-update does not hold it forever).
            using (ledger.TopEarnerLock.Lock())
            {
                if (!ledger.TopEarner.TryGetValue("salary", out decimal top) || newSalary > top)
                {
                    ledger.TopEarner.SetValue("salary", newSalary);
                    ledger.TopEarner.SetValue("name", employee.Name);
                }
            }

            processed++;
            if (settings.Verbose)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{settings.Name} (pid {Environment.ProcessId}): {employee.Name,-8} {employee.Department,-12} {employee.Salary,10:N2} -> {newSalary,10:N2}"));
            }
        }

        Console.WriteLine($"{settings.Name} (pid {Environment.ProcessId}) processed {processed} employees and found the list empty.");
    }
}

/// <summary>A worker's name, whether to print every employee, and how long processing one takes.</summary>
public sealed record WorkerSettings(string Name, bool Verbose, int WorkMilliseconds);

/// <summary>Shared state the workers update; a record of proxies travels to a worker as one argument.</summary>
public sealed record Ledger(ISharedDictionary<string, decimal> DepartmentTotals, ISharedLock TopEarnerLock, ISharedNamespace TopEarner);
