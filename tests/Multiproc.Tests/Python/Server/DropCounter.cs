using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Multiproc.Tests.Python.Server;

/// <summary>Counts <c>multiproc.server.connections.dropped</c> by <c>multiproc.drop.reason</c> while it lives.</summary>
/// <remarks>The meter is process-wide: counts are exact only while no other test drops connections (a serial collection).</remarks>
internal sealed class DropCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public DropCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Multiproc" && instrument.Name == "multiproc.server.connections.dropped")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag is { Key: "multiproc.drop.reason", Value: string reason })
                {
                    _counts.AddOrUpdate(reason, value, (_, count) => count + value);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Gets the drops counted for <paramref name="reason"/> since this counter started.</summary>
    public long this[string reason] => _counts.GetValueOrDefault(reason);

    public override string ToString() => string.Join(", ", _counts.Select(pair => $"{pair.Key}={pair.Value}"));

    public void Dispose() => _listener.Dispose();
}
