namespace Multiproc.Tests.Core;

public sealed class ExceptionTlsTests : ExceptionTests
{
    protected override string? ListenAddress => Tls;
}
