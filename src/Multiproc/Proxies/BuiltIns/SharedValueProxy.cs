using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared value.</summary>
internal sealed class SharedValueProxy<T> : BuiltInProxy, ISharedValue<T>
{
    private static readonly ValueWriter[] s_one = [ValueCodec<T>.Writer];
    private static readonly ValueWriter[] s_two = [ValueCodec<T>.Writer, ValueCodec<T>.Writer];

    public SharedValueProxy(SharedObject handle)
        : base(handle)
    {
    }

    public T Value
    {
        get => Call<T>(ValueMembers.Get, [], []);
        set => Call(ValueMembers.Set, [value], s_one);
    }

    public T Exchange(T value) => Call<T>(ValueMembers.Exchange, [value], s_one);

    public T CompareExchange(T value, T comparand) => Call<T>(ValueMembers.CompareExchange, [value, comparand], s_two);

    public Task<T> GetAsync(CancellationToken cancellationToken = default) => CallAsync<T>(ValueMembers.Get, [], [], cancellationToken);

    public Task SetAsync(T value, CancellationToken cancellationToken = default) => CallAsync(ValueMembers.Set, [value], s_one, cancellationToken);

    public T Increment(T delta) => Call<T>(ValueMembers.Increment, [delta], s_one);

    public Task<T> IncrementAsync(T delta, CancellationToken cancellationToken) => CallAsync<T>(ValueMembers.Increment, [delta], s_one, cancellationToken);
}
