namespace Multiproc.Tests.Shared;

public sealed class SharedListUnixTests : SharedListTests
{
    protected override string? ListenAddress => null;
}
