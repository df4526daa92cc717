using System.Diagnostics;
using System.Globalization;
using Employees;
using Multiproc;

// The article's scenario: employees in a shared list, two worker processes pop and process them
// until the list is empty, a payroll class of ours shared through the manager, shared totals
// updated atomically, and a lock around an update that takes several calls.
// Run: dotnet run --project samples/Employees [-- --employees 20000 --work-ms 0 --quiet]
int count = Option("--employees", 20);
int workMilliseconds = Option("--work-ms", 50);
bool verbose = !args.Contains("--quiet");
string[] departments = ["Engineering", "Sales", "Support"];

await using Manager manager = await Manager.StartAsync(new ManagerOptions().Register<IPayroll, Payroll>());
var clock = Stopwatch.StartNew();
ISharedList<Employee> employees = await manager.CreateListAsync(
    Enumerable.Range(1, count).Select(i => new Employee($"emp{i:D5}", departments[i % 3], 40_000m + (i % 50) * 1_000m)));
IPayroll payroll = await manager.CreateAsync<IPayroll>();
var ledger = new Ledger(
    await manager.CreateDictionaryAsync<string, decimal>(),
    await manager.CreateLockAsync(),
    await manager.CreateNamespaceAsync());

WorkerProcess[] workers =
[
    WorkerProcess.Start(Worker.Work, employees, payroll, ledger, new WorkerSettings("worker-1", verbose, workMilliseconds)),
    WorkerProcess.Start(Worker.Work, employees, payroll, ledger, new WorkerSettings("worker-2", verbose, workMilliseconds)),
];
await Task.WhenAll(workers.Select(w => w.Completion));

Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} employees processed by 2 worker processes in {clock.Elapsed.TotalSeconds:F2} s; list now holds {employees.Count}."));
foreach ((string worker, int processed) in payroll.ProcessedBy().OrderBy(p => p.Key, StringComparer.Ordinal))
{
    Console.WriteLine($"  {worker}: {processed}");
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total raises paid: {payroll.TotalRaises:N2}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Top earner: {ledger.TopEarner.GetValue<string>("name")} at {ledger.TopEarner.GetValue<decimal>("salary"):N2}"));
foreach ((string department, decimal total) in ledger.DepartmentTotals.Snapshot().OrderBy(p => p.Key, StringComparer.Ordinal))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  new payroll of {department,-12} {total,14:N2}"));
}

foreach (WorkerProcess worker in workers)
{
    await worker.DisposeAsync();
}

int Option(string name, int fallback)
    => args.SkipWhile(a => a != name).Skip(1).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).FirstOrDefault(fallback);
