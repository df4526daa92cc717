namespace Multiproc.Tests.Shared;

public sealed class QueueTcpTests : QueueTests
{
    protected override string? ListenAddress => Tcp;
}
