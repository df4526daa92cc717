namespace Multiproc.Tests.Core;

public sealed class ExceptionTcpTests : ExceptionTests
{
    protected override string? ListenAddress => Tcp;
}
