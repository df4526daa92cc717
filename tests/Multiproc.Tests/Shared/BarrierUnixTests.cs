namespace Multiproc.Tests.Shared;

public sealed class BarrierUnixTests : BarrierTests
{
    protected override string? ListenAddress => null;
}
