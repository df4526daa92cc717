namespace Multiproc.Tests.Processes;

public sealed record WorkerInfo(int ProcessId, int Initializations, int TasksSeen);
