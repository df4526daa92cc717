namespace Multiproc.Tests.Processes;

public sealed record Point(int X, int Y);
