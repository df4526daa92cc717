using MessagePack;
using Multiproc.Processes.Channel;
using Multiproc.Protocol;

namespace Multiproc.Processes.Child;

/// <summary>The task loop of a pool worker: one task at a time, answered in order.</summary>
/// <remarks>
/// Runs the initializer, answers <see cref="WorkerFrameKind.Ready"/> (or an error and exit code 1),
/// then reads <see cref="WorkerFrameKind.DefineTarget"/>, <see cref="WorkerFrameKind.Apply"/> and
/// <see cref="WorkerFrameKind.MapChunk"/> frames, answering each task with exactly one
/// <see cref="WorkerFrameKind.Result"/> or <see cref="WorkerFrameKind.Error"/> frame. Ends with exit
/// code 0 on <see cref="WorkerFrameKind.Stop"/> or when the parent closes the socket.
/// </remarks>
internal static class PoolWorkerLoop
{
    /// <summary>Serves tasks over <paramref name="stream"/> until stopped.</summary>
    public static int Run(WorkerBootstrap bootstrap, Stream stream)
    {
        var frame = new WorkerFrameBuffer(64 * 1024);
        if (bootstrap.Initializer is { } initializer)
        {
            try
            {
                var method = TargetMethod.DecodeIdentity(initializer);
                System.Reflection.ParameterInfo[] parameters = method.GetParameters();
                object?[] arguments = parameters.Length == 0
                    ? []
                    : WorkerArgumentCodec.DecodeArguments(parameters, bootstrap.Arguments ?? throw new InvalidDataException("The pool initializer's arguments are missing."));
                WorkerEntryPoint.Invoke(method, TargetMethod.CreateInstance(method), arguments);
            }
            catch (Exception ex)
            {
                WorkerEntryPoint.WriteError(frame, ex);
                frame.WriteTo(stream);
                return WorkerEntryPoint.TargetFailedExitCode;
            }
        }

        frame.Append(WorkerFrameKind.Ready, []);
        frame.WriteTo(stream);

        var targets = new Dictionary<int, PoolTarget>();
        var reader = new WorkerFrameReader(stream, 64 * 1024);
        while (reader.TryRead(out WorkerFrameKind kind, out ReadOnlyMemory<byte> body))
        {
            var bodyReader = new MessagePackReader(body);
            switch (kind)
            {
                case WorkerFrameKind.DefineTarget:
                    int id = bodyReader.ReadInt32();
                    targets[id] = new PoolTarget(body.Span[(int)bodyReader.Consumed..]);
                    break;
                case WorkerFrameKind.Apply:
                case WorkerFrameKind.MapChunk:
                case WorkerFrameKind.TracedApply:
                case WorkerFrameKind.TracedMapChunk:
                    RunTask(kind, ref bodyReader, targets, frame);
                    frame.WriteTo(stream);
                    break;
                case WorkerFrameKind.Stop:
                    return 0;
                default:
                    throw new InvalidDataException($"Unexpected frame {kind} in a pool worker.");
            }
        }

        return 0;
    }

    private static void RunTask(WorkerFrameKind kind, ref MessagePackReader body, Dictionary<int, PoolTarget> targets, WorkerFrameBuffer frame)
    {
        bool traced = kind is WorkerFrameKind.TracedApply or WorkerFrameKind.TracedMapChunk;
        try
        {
            PoolTarget target = targets[body.ReadInt32()];
            if (traced)
            {
                // The submitter's context, for this task only: the worker's calls nest under it.
                CallTracing.Inherit(TraceContext.Read(ref body));
            }

            // Results take about as much room as the items they come from.
            using var outgoing = OutgoingReferences.Begin((int)(body.Sequence.Length - body.Consumed));
            var writer = new MessagePackWriter(outgoing.Buffer);
            if (kind is WorkerFrameKind.Apply or WorkerFrameKind.TracedApply)
            {
                target.Apply(ref body, ref writer);
            }
            else
            {
                target.Map(ref body, ref writer);
            }

            writer.Flush();
            frame.Begin(WorkerFrameKind.Result);
            outgoing.CopyTo(frame.Body);
            frame.End();
        }
        catch (Exception ex)
        {
            frame.Clear();
            WorkerEntryPoint.WriteError(frame, ex);
        }
        finally
        {
            if (traced)
            {
                CallTracing.Inherit(null);
            }
        }
    }
}
