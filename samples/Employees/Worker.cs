using System.Globalization;
using Multiproc;

namespace Employees;

/// <summary>What each worker process runs: pop employees until the list is empty.</summary>
public static class Worker
{
    public static void Work(ISharedList<Employee> employees, IPayroll payroll, ISharedDictionary<string, decimal> departmentTotals, WorkerSettings settings)
    {
        int processed = 0;
        while (employees.TryPop(out Employee? employee))
        {
            decimal percent = employee.Department == "Engineering" ? 10m : 5m;
            decimal newSalary = payroll.GiveRaise(employee, percent, settings.Name);

            // A read-modify-write of shared state: atomic on the manager, no lost updates.
            departmentTotals.Increment(employee.Department, newSalary);
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

/// <summary>A worker's name and whether to print every employee.</summary>
public sealed record WorkerSettings(string Name, bool Verbose);
