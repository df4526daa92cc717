using Multiproc.Processes.Channel;

namespace Multiproc.Processes.Pool;

/// <summary>A validated target with the id a pool's workers know it by.</summary>
/// <param name="Id">The id, unique within the pool; workers receive the identity once per id.</param>
/// <param name="Method">The validated target.</param>
/// <param name="Identity">The encoded identity sent in <see cref="WorkerFrameKind.DefineTarget"/>.</param>
internal sealed record RegisteredTarget(int Id, TargetMethod Method, byte[] Identity);
