using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Multiproc;

/// <summary>
/// Start-up timestamps, for finding where a worker's start-up time goes (docs/performance.md).
/// Off unless the environment has <c>MULTIPROC_STARTUP_TRACE=1</c>; workers inherit it.
/// </summary>
/// <remarks>
/// Each mark is one line on standard error: <c>multiproc-startup PID TIMESTAMP PHASE</c>, where
/// TIMESTAMP is <see cref="Stopwatch.GetTimestamp"/> in nanoseconds. On Linux that is
/// CLOCK_MONOTONIC, one clock for every process on the machine, so a parent's and its workers'
/// lines line up. On Unix each line is one <c>write(2)</c> on file descriptor 2, so the first mark
/// loads no console and processes sharing a redirected standard error never overwrite each other's lines.
/// When tracing is off a mark costs one static field read.
/// </remarks>
internal static partial class StartupTrace
{
    /// <summary>The environment variable that turns tracing on.</summary>
    public const string Variable = "MULTIPROC_STARTUP_TRACE";

    private static readonly bool s_enabled = Environment.GetEnvironmentVariable(Variable) == "1";
    private static readonly Lock s_lock = new();
    // -1 until a worker's target starts; then the first call's send (1) and its reply (2) are marked once.
    private static int s_firstCall = -1;
    private static Stream? s_stderr;

    /// <summary>Gets whether marks are written.</summary>
    public static bool Enabled => s_enabled;

    /// <summary>Writes a mark for <paramref name="phase"/> with the current time.</summary>
    public static void Mark(string phase)
    {
        if (s_enabled)
        {
            Write(phase, Stopwatch.GetTimestamp());
        }
    }

    /// <summary>Marks <paramref name="phase"/> and arms the marks of the first manager call that follows (the target's own).</summary>
    public static void MarkTargetStarted(string phase)
    {
        if (s_enabled)
        {
            Write(phase, Stopwatch.GetTimestamp());
            Volatile.Write(ref s_firstCall, 0);
        }
    }

    /// <summary>Marks the first call sent after <see cref="MarkTargetStarted"/>.</summary>
    public static void MarkCallSent() => MarkFirstCall("worker: first call sent", 1);

    /// <summary>Marks the first reply received after that call was sent.</summary>
    public static void MarkReplyReceived() => MarkFirstCall("worker: first reply received", 2);

    private static void MarkFirstCall(string phase, int step)
    {
        if (s_enabled && Interlocked.CompareExchange(ref s_firstCall, step, step - 1) == step - 1)
        {
            Write(phase, Stopwatch.GetTimestamp());
        }
    }

    private static void Write(string phase, long timestamp)
    {
        long nanoseconds = (long)(timestamp * (1_000_000_000.0 / Stopwatch.Frequency));
        byte[] line = FormatLine(phase, nanoseconds, JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime());
        lock (s_lock)
        {
            // A diagnostic must never fail the work it watches: a closed or full standard error loses the mark, nothing else.
            try
            {
                if (OperatingSystem.IsWindows())
                {
                    s_stderr ??= Console.OpenStandardError();
                    s_stderr.Write(line);
                }
                else
                {
                    WriteToStandardError(line);
                }
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or DllNotFoundException or EntryPointNotFoundException)
            {
            }
        }
    }

    // By hand, not with string formatting: a number formatted through any CultureInfo, even the
    // invariant one, loads ICU (~5 ms), which would charge the trace's own cost to the phase after it.
    private static byte[] FormatLine(string phase, long nanoseconds, long jitMethods, TimeSpan jitTime)
    {
        var line = new List<byte>(160);
        Append(line, "multiproc-startup ");
        Append(line, Environment.ProcessId);
        Append(line, " ");
        Append(line, nanoseconds);
        Append(line, " ");
        Append(line, phase);
        Append(line, " (jit: ");
        Append(line, jitMethods);
        Append(line, " methods, ");
        long tenths = (long)Math.Round(jitTime.TotalMilliseconds * 10);
        Append(line, tenths / 10);
        Append(line, ".");
        Append(line, tenths % 10);
        Append(line, " ms)\n");
        return [.. line];
    }

    private static void Append(List<byte> line, string ascii)
    {
        foreach (char c in ascii)
        {
            line.Add(c < 0x80 ? (byte)c : (byte)'?');
        }
    }

    private static void Append(List<byte> line, long number)
    {
        Span<byte> digits = stackalloc byte[20];
        ulong rest = number < 0 ? (ulong)-number : (ulong)number;
        int start = digits.Length;
        do
        {
            digits[--start] = (byte)('0' + (int)(rest % 10));
            rest /= 10;
        }
        while (rest != 0);

        if (number < 0)
        {
            line.Add((byte)'-');
        }

        foreach (byte digit in digits[start..])
        {
            line.Add(digit);
        }
    }

    // write(2) on fd 2, without loading the console: the first mark must not cost the phase after it
    // milliseconds. Not a FileStream: it would pwrite at its own offset and overwrite the lines of
    // the other processes sharing a redirected standard error.
    private static unsafe void WriteToStandardError(byte[] line)
    {
        fixed (byte* start = line)
        {
            int written = 0;
            while (written < line.Length)
            {
                nint result = SysWrite(2, start + written, line.Length - written);
                if (result <= 0)
                {
                    return;
                }

                written += (int)result;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "write")]
    private static unsafe partial nint SysWrite(int fd, byte* buffer, nint count);
}
