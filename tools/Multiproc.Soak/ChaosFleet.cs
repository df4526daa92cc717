using System.Diagnostics;
using System.Globalization;

namespace Multiproc.Soak;

/// <summary>
/// The worker processes: keeps <see cref="ChaosOptions.Workers"/> at work, SIGKILLs a random one at random moments
/// (one in ten is asked to stop instead) and puts a spare to work in its place.
/// </summary>
/// <remarks>
/// Spares are launched ahead and wait connected for "go", so a replacement starts working at once: a .NET process
/// takes a second or more to start on a busy machine, far longer than the time between kills.
/// </remarks>
internal sealed class ChaosFleet(ChaosOptions options, ChaosLedger ledger, string address, string key)
{
    private readonly List<(ChaosChild Process, ChaosIncarnation Record)> _working = [];
    private readonly List<(ChaosChild Process, ChaosIncarnation Record)> _spares = [];
    private readonly Random _random = new(options.Seed);
    private long _nextIncarnation = 1;

    public int Kills { get; private set; }

    public int Stops { get; private set; }

    /// <summary>Gets workers that exited on their own or failed to stop cleanly, with what they printed on stderr.</summary>
    public List<string> Crashes { get; } = [];

    private int SpareCount => Math.Max(2, options.Workers / 2);

    public async Task RunAsync(Func<Task> everyThirtySeconds)
    {
        for (int i = 0; i < options.Workers; i++)
        {
            _working.Add(Launch(go: true));
        }

        for (int i = 0; i < SpareCount; i++)
        {
            _spares.Add(Launch(go: false));
        }

        var clock = Stopwatch.StartNew();
        TimeSpan nextReport = TimeSpan.FromSeconds(30);
        while (clock.Elapsed < options.Duration)
        {
            await Task.Delay(_random.Next(options.KillMinMs, options.KillMaxMs + 1));
            await ReplaceCrashedAsync();

            // Only workers at work for a moment: killing one that is still starting tests nothing.
            DateTime since = DateTime.UtcNow - TimeSpan.FromMilliseconds(options.KillMinMs);
            List<(ChaosChild Process, ChaosIncarnation Record)> victims = [.. _working.Where(w => w.Record.WorkingSince < since)];
            if (victims.Count > 0)
            {
                (ChaosChild, ChaosIncarnation) victim = victims[_random.Next(victims.Count)];
                _working.Remove(victim);
                await (_random.Next(10) == 0 ? StopAsync(victim) : KillAsync(victim));
                _working.Add(TakeSpare());
            }

            if (clock.Elapsed >= nextReport)
            {
                nextReport += TimeSpan.FromSeconds(30);
                await everyThirtySeconds();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"[{clock.Elapsed.TotalSeconds:0}s] kills {Kills}, stops {Stops}, operations {ledger.CompletedOperations():N0}"));
            }
        }

        // Stop everyone: those blocked in a wait that no one will satisfy now are killed after a grace period.
        (ChaosChild Process, ChaosIncarnation Record)[] last = [.. _working, .. _spares];
        _working.Clear();
        _spares.Clear();
        foreach ((ChaosChild process, _) in last)
        {
            process.CloseInput();
        }

        int?[] exitCodes = await Task.WhenAll(last.Select(w => w.Process.WaitForExitAsync(TimeSpan.FromSeconds(5))));
        for (int i = 0; i < last.Length; i++)
        {
            await FinishStopAsync(last[i], exitCodes[i]);
        }
    }

    private (ChaosChild Process, ChaosIncarnation Record) Launch(bool go)
    {
        long id = _nextIncarnation++;
        ChaosIncarnation record = ledger.Begin(id);
        int seed = options.Seed ^ (int)(id * 7919);
        var process = ChaosChild.Start("chaos-worker", [id.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture)], line => ledger.Record(record, line));
        process.WriteLine(address);
        process.WriteLine(key);
        if (go)
        {
            process.WriteLine("go");
        }

        return (process, record);
    }

    /// <summary>Puts a connected spare to work (or a fresh process if none is ready yet) and launches the next spare.</summary>
    private (ChaosChild Process, ChaosIncarnation Record) TakeSpare()
    {
        int ready = _spares.FindIndex(s => s.Record.Ready);
        _spares.Add(Launch(go: false));
        if (ready < 0)
        {
            return Launch(go: true);
        }

        (ChaosChild Process, ChaosIncarnation Record) spare = _spares[ready];
        _spares.RemoveAt(ready);
        spare.Process.WriteLine("go");
        return spare;
    }

    private async Task KillAsync((ChaosChild Process, ChaosIncarnation Record) worker)
    {
        worker.Record.KillTimestamp = Stopwatch.GetTimestamp();
        worker.Record.Killed = true;
        worker.Process.Kill();
        ledger.End(worker.Record, await worker.Process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        await worker.Process.DisposeAsync();
        Kills++;
    }

    private async Task StopAsync((ChaosChild Process, ChaosIncarnation Record) worker)
    {
        worker.Process.CloseInput();
        await FinishStopAsync(worker, await worker.Process.WaitForExitAsync(TimeSpan.FromSeconds(5)));
    }

    private async Task FinishStopAsync((ChaosChild Process, ChaosIncarnation Record) worker, int? exitCode)
    {
        if (exitCode is null)
        {
            await KillAsync(worker);
            return;
        }

        ledger.End(worker.Record, exitCode);
        if (exitCode != 0 || !worker.Record.SaidBye)
        {
            Crashes.Add($"worker {worker.Record.Id} exited with {exitCode} when asked to stop: {Trim(await worker.Process.ErrorsAsync())}");
        }

        await worker.Process.DisposeAsync();
        Stops++;
    }

    /// <summary>A worker that exits without being told to hit an exception it did not expect: that is a finding.</summary>
    private async Task ReplaceCrashedAsync()
    {
        foreach (List<(ChaosChild Process, ChaosIncarnation Record)> group in new[] { _working, _spares })
        {
            foreach ((ChaosChild Process, ChaosIncarnation Record) worker in group.Where(w => w.Process.HasExited).ToList())
            {
                group.Remove(worker);
                int? exitCode = await worker.Process.WaitForExitAsync(TimeSpan.FromSeconds(5));
                ledger.End(worker.Record, exitCode);
                Crashes.Add($"worker {worker.Record.Id} exited on its own with {exitCode}: {Trim(await worker.Process.ErrorsAsync())}");
                await worker.Process.DisposeAsync();
                group.Add(Launch(go: group == _working));
            }
        }
    }

    private static string Trim(string text) => text.Length <= 1500 ? text.Trim() : text[..1500] + "...";
}
