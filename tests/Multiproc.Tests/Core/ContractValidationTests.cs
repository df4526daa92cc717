namespace Multiproc.Tests.Core;

public class ContractValidationTests
{
    public interface IWithRef
    {
        void Take(ref int value);
    }

    public interface IWithOut
    {
        bool TryGet(out int value);
    }

    public interface IWithGenericMethod
    {
        T Echo<T>(T value);
    }

    public interface IWithCallback
    {
        void OnChange(Action callback);
    }

    public interface IWithSpan
    {
        int Sum(ReadOnlySpan<int> values);
    }

    public interface IWithEvent
    {
        event EventHandler Changed;
    }

    public interface IFine
    {
        int Add(int a, int b);
    }

    public sealed class Implementation : IWithRef, IWithOut, IWithGenericMethod, IWithCallback, IWithSpan, IWithEvent, IFine
    {
        public event EventHandler? Changed;

        public void Take(ref int value) => value++;

        public bool TryGet(out int value) => (value = 1) == 1;

        public T Echo<T>(T value) => value;

        public void OnChange(Action callback) => Changed?.Invoke(this, EventArgs.Empty);

        public int Sum(ReadOnlySpan<int> values) => values.Length;

        public int Add(int a, int b) => a + b;
    }

    [Fact]
    public void Register_RefParameter_IsRejectedWithReason()
        => Assert.Contains("ref/out", Assert.Throws<ArgumentException>(() => new ManagerOptions().Register<IWithRef, Implementation>()).Message, StringComparison.Ordinal);

    [Fact]
    public void Register_OutParameter_IsRejected()
        => Assert.Throws<ArgumentException>(() => new ManagerOptions().Register<IWithOut, Implementation>());

    [Fact]
    public void Register_GenericMethod_IsRejected()
        => Assert.Contains("generic method", Assert.Throws<ArgumentException>(() => new ManagerOptions().Register<IWithGenericMethod, Implementation>()).Message, StringComparison.Ordinal);

    [Fact]
    public void Register_DelegateParameter_IsRejected()
        => Assert.Contains("Action", Assert.Throws<ArgumentException>(() => new ManagerOptions().Register<IWithCallback, Implementation>()).Message, StringComparison.Ordinal);

    [Fact]
    public void Register_SpanParameter_IsRejected()
        => Assert.Throws<ArgumentException>(() => new ManagerOptions().Register<IWithSpan, Implementation>());

    [Fact]
    public void Register_Event_IsRejected()
        => Assert.Throws<ArgumentException>(() => new ManagerOptions().Register<IWithEvent, Implementation>());

    [Fact]
    public void Register_SameTypeIdTwice_IsRejected()
        => Assert.Throws<ArgumentException>(() => new ManagerOptions().Register<IFine, Implementation>().Register<IFine, Implementation>());

    [Fact]
    public void Register_ClassAsInterface_IsRejected()
        => Assert.Throws<ArgumentException>(() => new ManagerOptions().Register<Implementation, Implementation>());
}
