namespace Multiproc.Tests.Shared;

public sealed class EventUnixTests : EventTests
{
    protected override string? ListenAddress => null;
}
