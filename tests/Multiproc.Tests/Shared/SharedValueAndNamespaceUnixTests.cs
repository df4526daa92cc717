namespace Multiproc.Tests.Shared;

public sealed class SharedValueAndNamespaceUnixTests : SharedValueAndNamespaceTests
{
    protected override string? ListenAddress => null;
}
