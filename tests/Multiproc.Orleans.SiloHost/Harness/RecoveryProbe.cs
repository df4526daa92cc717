using System.Diagnostics;

namespace Multiproc.Orleans.SiloHost.Harness;

/// <summary>Asks an object again and again after a silo's death until it answers, is known lost, or a time limit passes.</summary>
public static class RecoveryProbe
{
    /// <summary>The pause after a failed call before the next one.</summary>
    public static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    /// <summary>Polls <paramref name="handle"/> with a side-effect-free call (<paramref name="member"/>, no arguments).</summary>
    /// <typeparam name="T">The member's result type.</typeparam>
    /// <param name="handle">The object.</param>
    /// <param name="member">A getter's member name, such as <c>get_Salary</c>.</param>
    /// <param name="since">Started at the silo's death: the outcome's times are read from it.</param>
    /// <param name="limit">Stop asking once <paramref name="since"/> reaches it.</param>
    /// <param name="probeTimeout">How long one call may take: a call to a dead silo that is not declared dead yet hangs or is rejected.</param>
    /// <returns>When the object first answered (with its state, or saying it is lost), or that it did not answer in time.</returns>
    public static async Task<ProbeOutcome> FirstAnswerAsync<T>(SharedObject handle, string member, Stopwatch since, TimeSpan limit, TimeSpan probeTimeout)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(since);
        int failures = 0;
        while (since.Elapsed < limit)
        {
            TimeSpan left = limit - since.Elapsed;
            using var probe = new CancellationTokenSource(left < probeTimeout ? left : probeTimeout);
            try
            {
                await handle.InvokeAsync<T>(member, [], probe.Token).ConfigureAwait(false);
                return new ProbeOutcome(since.Elapsed, null, failures);
            }
            catch (KeyNotFoundException ex)
            {
                return new ProbeOutcome(since.Elapsed, ex.Message, failures);
            }
            catch (Exception ex) when (ex is ManagerUnavailableException or OperationCanceledException)
            {
                // The dead silo is not evicted yet: the call was rejected or timed out. Ask again, after a
                // pause: a rejection comes back at once, and a busy loop would load the machine under test.
                failures++;
                await Task.Delay(RetryPause).ConfigureAwait(false);
            }
        }

        return new ProbeOutcome(null, null, failures);
    }
}
