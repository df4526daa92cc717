namespace Multiproc.Tests.Shared;

public sealed class SemaphoreUnixTests : SemaphoreTests
{
    protected override string? ListenAddress => null;
}
