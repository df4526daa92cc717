namespace Multiproc.Tests.Core;

public sealed class LifetimeUnixTests : LifetimeTests
{
    protected override string? ListenAddress => null;
}
