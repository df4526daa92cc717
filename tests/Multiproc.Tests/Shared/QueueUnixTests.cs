namespace Multiproc.Tests.Shared;

public sealed class QueueUnixTests : QueueTests
{
    protected override string? ListenAddress => null;
}
