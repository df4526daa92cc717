namespace Multiproc.Tests.Shared;

public sealed class LockTlsTests : LockTests
{
    protected override string? ListenAddress => Tls;
}
