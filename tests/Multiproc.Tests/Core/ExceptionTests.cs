using Multiproc.Tests.Fixtures;
using Multiproc.Tests.Infrastructure;

namespace Multiproc.Tests.Core;

public abstract class ExceptionTests : TransportTests, IAsyncLifetime
{
    private Manager _manager = null!;
    private IEmployee _employee = null!;

    public async Task InitializeAsync()
    {
        _manager = await Manager.StartAsync(TestOptions.Bare(ListenAddress).Register<IEmployee, Employee>());
        _employee = await _manager.CreateAsync<IEmployee>("Frank", 1m);
    }

    public async Task DisposeAsync() => await _manager.DisposeAsync();

    [Fact(Timeout = 20_000)]
    public async Task BclException_IsRethrownAsSameType_WithRemoteMessage()
    {
        await Task.Yield();
        Assert.Equal("bad argument from Fail", Assert.Throws<ArgumentException>(() => _employee.Fail("argument")).Message);
        Assert.Equal("invalid from Fail", Assert.Throws<InvalidOperationException>(() => _employee.Fail("invalid")).Message);
        Assert.Equal("missing from Fail", Assert.Throws<KeyNotFoundException>(() => _employee.Fail("keynotfound")).Message);
    }

    [Fact(Timeout = 20_000)]
    public async Task BclException_CarriesRemoteStackTrace()
    {
        await Task.Yield();
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => _employee.Fail("invalid"));
        Assert.Contains("Employee.Fail", error.StackTrace, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task OtherException_BecomesRemoteException_WithTypeMessageAndStack()
    {
        await Task.Yield();
        RemoteException error = Assert.Throws<RemoteException>(() => _employee.Fail("custom"));
        Assert.Equal(typeof(CustomFailureException).FullName, error.RemoteTypeName);
        Assert.Equal("custom from Fail", error.Message);
        Assert.Contains("Employee.Fail", error.RemoteStackTrace, StringComparison.Ordinal);
    }

    [Fact(Timeout = 20_000)]
    public async Task ObjectStaysUsable_AfterItsMethodThrew()
    {
        await Task.Yield();
        Assert.Throws<RemoteException>(() => _employee.Fail("custom"));
        Assert.Equal(2m, _employee.Raise(1m));
    }
}
