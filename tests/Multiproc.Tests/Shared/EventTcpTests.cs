namespace Multiproc.Tests.Shared;

public sealed class EventTcpTests : EventTests
{
    protected override string? ListenAddress => Tcp;
}
