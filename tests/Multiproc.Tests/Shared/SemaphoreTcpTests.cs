namespace Multiproc.Tests.Shared;

public sealed class SemaphoreTcpTests : SemaphoreTests
{
    protected override string? ListenAddress => Tcp;
}
