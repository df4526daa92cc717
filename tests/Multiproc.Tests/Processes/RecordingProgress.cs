
namespace Multiproc.Tests.Processes;

/// <summary>An <see cref="IProgress{T}"/> that records reports synchronously, in the order they arrive.</summary>
internal sealed class RecordingProgress : IProgress<int>
{
    private readonly List<int> _reports = [];

    public int[] Reports
    {
        get
        {
            lock (_reports)
            {
                return [.. _reports];
            }
        }
    }

    public void Report(int value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
    }
}
