using System.Reflection;
using MessagePack;
using Multiproc.Processes.Channel;
using Multiproc.Protocol;

namespace Multiproc.Processes.Child;

/// <summary>
/// The entry point of a worker process: <c>dotnet exec --runtimeconfig R --depsfile D Multiproc.dll</c>.
/// </summary>
/// <remarks>
/// The worker reads its <see cref="WorkerBootstrap"/> from stdin, starts watching stdin for the
/// parent going away, connects to the parent's socket, sends its token, then either runs one
/// target and sends its result (exit code 0, or 1 if it threw) or serves a pool until told to stop.
/// The worker's stdout and stderr are the parent's own (inherited), untouched by the protocol.
/// </remarks>
internal static class WorkerEntryPoint
{
    /// <summary>The exit code when the bootstrap is missing or unreadable, or the parent's socket unreachable.</summary>
    public const int UsageExitCode = 2;

    /// <summary>The exit code of a worker whose target threw.</summary>
    public const int TargetFailedExitCode = 1;

    /// <summary>Runs the worker.</summary>
    public static int Main()
    {
        StartupTrace.Mark("worker: runtime ready (Main entered)");
        WorkerWarmUp.Start();
        // A FileStream over fd 0 rather than Console.OpenStandardInput: it skips the console's initialization.
        Stream input = OperatingSystem.IsWindows()
            ? Console.OpenStandardInput()
            : new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);
        WorkerBootstrap bootstrap;
        try
        {
            var reader = new WorkerFrameReader(input, 1024);
            if (!reader.TryRead(out WorkerFrameKind kind, out ReadOnlyMemory<byte> body) || kind != WorkerFrameKind.Bootstrap)
            {
                throw new InvalidDataException("No bootstrap on stdin.");
            }

            bootstrap = WorkerBootstrap.Read(body.Span);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            Console.Error.WriteLine($"Multiproc worker: {ex.Message} This entry point is started by WorkerProcess.Start and ProcessPool, not by hand.");
            return UsageExitCode;
        }

        StartupTrace.Mark("worker: bootstrap read");
        if (bootstrap.Trace is { } trace)
        {
            CallTracing.Inherit(trace);
        }
        else
        {
            // No context: the worker's calls never look for one, and DiagnosticSource stays unloaded (issue 8).
            CallTracing.Suspend();
        }

        WorkerHostCommand.Inherit(bootstrap.HostCommand!);
        ParentWatch.Start(input);
        Stream channel;
        try
        {
            channel = UnixSocketClient.Connect(bootstrap.SocketPath);
            channel.Write(bootstrap.Token);
            StartupTrace.Mark("worker: parent's socket connected");
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"Multiproc worker: cannot reach the parent: {ex.Message}");
            return UsageExitCode;
        }

        using (channel)
        {
            try
            {
                return bootstrap.IsPool ? PoolWorkerLoop.Run(bootstrap, channel) : RunTarget(bootstrap, channel);
            }
            catch (IOException)
            {
                // The parent closed the channel; there is no one left to report to.
                return 0;
            }
        }
    }

    /// <summary>Invokes a resolved target, unwrapping nothing: the target's own exception propagates.</summary>
    public static object? Invoke(MethodInfo method, object? instance, object?[] arguments)
        => method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);

    private static int RunTarget(WorkerBootstrap bootstrap, Stream stream)
    {
        var frame = new WorkerFrameBuffer(256);
        int exitCode = 0;
        try
        {
            MethodInfo method = TargetMethod.DecodeIdentity(bootstrap.Target!);
            ParameterInfo[] parameters = method.GetParameters();
            object?[] arguments = parameters.Length == 0 ? [] : WorkerArgumentCodec.DecodeArguments(parameters, bootstrap.Arguments!);
            StartupTrace.MarkTargetStarted("worker: arguments decoded, proxies built, target invoked");
            object? result = Invoke(method, TargetMethod.CreateInstance(method), arguments);
            frame.Begin(WorkerFrameKind.Result);
            if (method.ReturnType != typeof(void))
            {
                WriteResult(frame, method.ReturnType, result);
            }

            frame.End();
        }
        catch (Exception ex)
        {
            frame.Clear();
            WriteError(frame, ex);
            exitCode = TargetFailedExitCode;
        }

        frame.WriteTo(stream);
        return exitCode;
    }

    // Separate from RunTarget so a worker whose target returns nothing never loads MessagePack.
    private static void WriteResult(WorkerFrameBuffer frame, Type declaredType, object? result)
    {
        WorkerArgumentCodec.WriteValue(frame.Body, declaredType, result);
    }

    /// <summary>Writes an <see cref="WorkerFrameKind.Error"/> frame describing <paramref name="exception"/>.</summary>
    public static void WriteError(WorkerFrameBuffer frame, Exception exception)
    {
        frame.Begin(WorkerFrameKind.Error);
        var writer = new MessagePackWriter(frame.Body);
        WorkerRemoteError.Write(ref writer, exception);
        writer.Flush();
        frame.End();
    }
}
