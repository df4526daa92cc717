namespace Multiproc.Tests.Shared;

public sealed class ConditionTcpTests : ConditionTests
{
    protected override string? ListenAddress => Tcp;
}
