namespace Multiproc.Tests.Core;

public sealed class ReferenceTcpTests : ReferenceTests
{
    protected override string? ListenAddress => Tcp;
}
