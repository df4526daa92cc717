namespace Multiproc.Protocol.BuiltIns;

/// <summary>The timeout argument of waiting members: zero, positive, or infinite.</summary>
internal static class WaitTimeout
{
    /// <summary>Returns <paramref name="timeout"/> when it is a valid wait timeout.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>) or longer than <see cref="int.MaxValue"/> milliseconds.</exception>
    public static TimeSpan Validate(TimeSpan timeout, string paramName = "timeout")
    {
        long milliseconds = (long)timeout.TotalMilliseconds;
        if (timeout != Timeout.InfiniteTimeSpan && (timeout < TimeSpan.Zero || milliseconds > int.MaxValue))
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, "The timeout must be zero or positive, at most int.MaxValue milliseconds, or Timeout.InfiniteTimeSpan.");
        }

        return timeout;
    }
}
