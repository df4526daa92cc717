using System.Globalization;

namespace Multiproc.Soak;

/// <summary>The manager's process (<see cref="ChaosManagerRole"/>): its address and key, and its heap samples.</summary>
internal sealed class ChaosManagerProcess : IAsyncDisposable
{
    private readonly TaskCompletionSource<(string Address, string Key)> _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _header = [];
    private readonly List<ChaosHeapSample> _samples = [];
    private readonly ChaosChild _child;

    private ChaosManagerProcess()
    {
        _child = ChaosChild.Start("chaos-manager", [], OnLine);
    }

    public static async Task<(ChaosManagerProcess Process, string Address, string Key)> StartAsync()
    {
        var process = new ChaosManagerProcess();
        (string address, string key) = await process._started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return (process, address, key);
    }

    public int Id => _child.Id;

    public IReadOnlyList<ChaosHeapSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>Asks for a heap sample (after a full collection in the manager) and waits for it.</summary>
    public async Task<ChaosHeapSample> SampleAsync()
    {
        int before = Samples.Count;
        _child.WriteLine("heap");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Samples.Count == before)
        {
            await Task.Delay(20, timeout.Token);
        }

        return Samples[^1];
    }

    public async ValueTask DisposeAsync()
    {
        _child.CloseInput();
        await _child.WaitForExitAsync(TimeSpan.FromSeconds(20));
        await _child.DisposeAsync();
    }

    private void OnLine(string line)
    {
        if (_header.Count < 2)
        {
            _header.Add(line);
            if (_header.Count == 2)
            {
                _started.TrySetResult((_header[0], _header[1]));
            }

            return;
        }

        string[] parts = line.Split(' ');
        if (parts is ["heap", var heap, var threads, var workingSet])
        {
            lock (_samples)
            {
                _samples.Add(new ChaosHeapSample(
                    DateTime.UtcNow,
                    long.Parse(heap, CultureInfo.InvariantCulture),
                    int.Parse(threads, CultureInfo.InvariantCulture),
                    long.Parse(workingSet, CultureInfo.InvariantCulture)));
            }
        }
    }
}
