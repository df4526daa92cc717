namespace Multiproc.Tests.Shared;

public sealed class QueueTlsTests : QueueTests
{
    protected override string? ListenAddress => Tls;
}
