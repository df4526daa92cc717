namespace Multiproc.Tests.Shared;

public sealed class BarrierTcpTests : BarrierTests
{
    protected override string? ListenAddress => Tcp;
}
