using System.Net.Sockets;
using System.Reflection;
using MessagePack;

namespace Multiproc.Processes;

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
    /// <summary>The exit code when the bootstrap is missing or unreadable.</summary>
    public const int UsageExitCode = 2;

    /// <summary>The exit code of a worker whose target threw.</summary>
    public const int TargetFailedExitCode = 1;

    /// <summary>Runs the worker.</summary>
    public static int Main()
    {
        Stream input = Console.OpenStandardInput();
        WorkerBootstrap bootstrap;
        try
        {
            var reader = new FrameReader(input, 1024);
            if (!reader.TryRead(out WorkerFrameKind kind, out ReadOnlyMemory<byte> body) || kind != WorkerFrameKind.Bootstrap)
            {
                throw new InvalidDataException("No bootstrap on stdin.");
            }

            bootstrap = WorkerBootstrap.Read(body);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or MessagePackSerializationException)
        {
            Console.Error.WriteLine($"Multiproc worker: {ex.Message} This entry point is started by WorkerProcess.Start and ProcessPool, not by hand.");
            return UsageExitCode;
        }

        WorkerHostCommand.Inherit(bootstrap.HostCommand!);
        ParentWatch.Start(input);
        using Socket socket = Connect(bootstrap);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        try
        {
            return bootstrap.IsPool ? PoolWorkerLoop.Run(bootstrap, stream) : RunTarget(bootstrap, stream);
        }
        catch (IOException)
        {
            // The parent closed the channel; there is no one left to report to.
            return 0;
        }
    }

    /// <summary>Invokes a resolved target, unwrapping nothing: the target's own exception propagates.</summary>
    public static object? Invoke(MethodInfo method, object? instance, object?[] arguments)
        => method.Invoke(instance, BindingFlags.DoNotWrapExceptions, binder: null, arguments, culture: null);

    private static Socket Connect(WorkerBootstrap bootstrap)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(bootstrap.SocketPath));
        socket.Send(bootstrap.Token.Span);
        return socket;
    }

    private static int RunTarget(WorkerBootstrap bootstrap, Stream stream)
    {
        var frame = new FrameBuffer(256);
        int exitCode = 0;
        try
        {
            MethodInfo method = TargetMethod.DecodeIdentity(bootstrap.Target!);
            ParameterInfo[] parameters = method.GetParameters();
            object?[] arguments = parameters.Length == 0 ? [] : WorkerArgumentCodec.DecodeArguments(parameters, bootstrap.Arguments!);
            object? result = Invoke(method, TargetMethod.CreateInstance(method), arguments);
            frame.Begin(WorkerFrameKind.Result);
            if (method.ReturnType != typeof(void))
            {
                var writer = new MessagePackWriter(frame.Body);
                WorkerArgumentCodec.WriteValue(ref writer, method.ReturnType, result);
                writer.Flush();
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

    /// <summary>Writes an <see cref="WorkerFrameKind.Error"/> frame describing <paramref name="exception"/>.</summary>
    public static void WriteError(FrameBuffer frame, Exception exception)
    {
        frame.Begin(WorkerFrameKind.Error);
        var writer = new MessagePackWriter(frame.Body);
        RemoteError.Write(ref writer, exception);
        writer.Flush();
        frame.End();
    }
}
