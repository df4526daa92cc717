using System.Diagnostics;
using Multiproc.Orleans.SiloHost.Harness;
using Multiproc.Tests.Fixtures;

namespace Multiproc.Orleans.Tests.Failover;

/// <summary>
/// Issue 12's process-kill test: two silo processes with Redis membership and Redis grain storage,
/// 100 objects that hold references to each other (10 of them published by name), and a SIGKILL of one
/// silo. Every object must answer again within 10 s with exactly its acknowledged state, references and
/// names; a change in flight while the silo dies either fails or is kept, never acknowledged and lost.
/// </summary>
/// <remarks>Runs with <see cref="FailoverSettings"/>' recommended settings, alone (<see cref="RunsAlone"/>).</remarks>
[Collection(RunsAlone.Name)]
[Trait("Kind", "Process")]
public sealed class SiloKillTests
{
    private const int ObjectCount = 100;
    private const int WriterCount = 10;

    [Fact(Timeout = 240_000)]
    public async Task SiloKilled_EveryObjectAnswersWithin10s_WithItsAcknowledgedStateAndReferences()
    {
        await using FailoverCluster cluster = await FailoverScenario.StartClusterAsync();
        Manager manager = cluster.Manager;
        IEmployee[] staff = await FailoverScenario.CreateStaffAsync(manager, ObjectCount);
        long[] ids = [.. staff.Select(e => SharedObject.FromProxy(e).ObjectId)];
        // Acknowledged changes: a reference to the next object, a raise, a record value.
        for (int i = 0; i < ObjectCount; i++)
        {
            staff[i].Manager = staff[(i + 1) % ObjectCount];
            staff[i].Raise((decimal)i);
            staff[i].Home = new Address($"Street {i}", i);
        }

        for (int i = 0; i < ObjectCount; i += 10)
        {
            await manager.PublishAsync($"employee-{i}", staff[i], TestTimeout.Token());
        }

        (SiloProcess victimSilo, IReadOnlySet<long> onVictim) = await cluster.VictimAsync(ids);
        int[] victims = [.. Enumerable.Range(0, ObjectCount).Where(i => onVictim.Contains(ids[i]))];
        Assert.True(victims.Length >= ObjectCount / 2, $"Expected at least half the objects on {victimSilo.SiloAddress}, the silo that holds most: {victims.Length}.");

        using var stopWriters = new CancellationTokenSource();
        Writer[] writers = [.. victims.Take(WriterCount).Select(i => new Writer(staff[i], stopWriters.Token))];
        ProbeOutcome[] outcomes;
        try
        {
            await Task.WhenAll(writers.Select(w => w.FirstAcknowledged.WaitAsync(TestTimeout.Token(30))));
            Stopwatch sinceKill = await FailoverScenario.KillAsync(victimSilo);
            outcomes = await FailoverScenario.ProbeAsync<decimal>(staff, "get_Salary", sinceKill);
        }
        finally
        {
            // Writers stop on every path, so none outlives the test.
            await stopWriters.CancelAsync();
            await Task.WhenAll(writers.Select(w => w.Completion.WaitAsync(TestTimeout.Token(30))));
        }

        FailoverScenario.AssertEveryAnswered(outcomes, i => $"E{i}#{ids[i]}{(onVictim.Contains(ids[i]) ? " (on the killed silo)" : "")}");
        for (int i = 0; i < ObjectCount; i++)
        {
            decimal acknowledged = 11m * i;
            Writer? writer = writers.FirstOrDefault(w => ReferenceEquals(w.Employee, staff[i]));
            decimal salary = staff[i].Salary;
            if (writer is null)
            {
                Assert.Equal(acknowledged, salary);
            }
            else
            {
                // Each acknowledged raise of 1 is kept; each failed one may or may not have run.
                Assert.InRange(salary, acknowledged + writer.Acknowledged, acknowledged + writer.Acknowledged + writer.Failed);
            }

            Assert.Equal(new Address($"Street {i}", i), staff[i].Home);
            IEmployee next = staff[i].Manager ?? throw new InvalidOperationException($"E{i} lost its reference.");
            Assert.Equal(ids[(i + 1) % ObjectCount], SharedObject.FromProxy(next).ObjectId);
            Assert.Equal($"E{(i + 1) % ObjectCount}", next.Name);
        }

        for (int i = 0; i < ObjectCount; i += 10)
        {
            IEmployee published = await manager.LookupAsync<IEmployee>($"employee-{i}", TestTimeout.Token());
            Assert.Equal(ids[i], SharedObject.FromProxy(published).ObjectId);
        }
    }

    /// <summary>Raises one object by 1 again and again until stopped, counting acknowledged and failed raises.</summary>
    private sealed class Writer
    {
        private readonly TaskCompletionSource _firstAcknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Writer(IEmployee employee, CancellationToken stop)
        {
            Employee = employee;
            Completion = Task.Run(() => RunAsync(stop), CancellationToken.None);
        }

        public IEmployee Employee { get; }

        public int Acknowledged { get; private set; }

        public int Failed { get; private set; }

        public Task FirstAcknowledged => _firstAcknowledged.Task;

        public Task Completion { get; }

        private async Task RunAsync(CancellationToken stop)
        {
            SharedObject handle = SharedObject.FromProxy(Employee);
            while (!stop.IsCancellationRequested)
            {
                using var call = new CancellationTokenSource(FailoverScenario.ProbeTimeout);
                try
                {
                    await handle.InvokeAsync<decimal>("Raise", [1m], call.Token);
                    Acknowledged++;
                    _firstAcknowledged.TrySetResult();
                }
                catch (Exception ex) when (ex is ManagerUnavailableException or OperationCanceledException)
                {
                    Failed++;
                    await Task.Delay(RecoveryProbe.RetryPause, CancellationToken.None);
                }
            }
        }
    }
}
