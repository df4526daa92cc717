using System.Collections;
using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared list.</summary>
internal sealed class SharedListProxy<T> : BuiltInProxy, ISharedList<T>
{
    private static readonly ValueWriter[] s_item = [ValueCodec<T>.Writer];
    private static readonly ValueWriter[] s_index = [ValueCodec<int>.Writer];
    private static readonly ValueWriter[] s_indexItem = [ValueCodec<int>.Writer, ValueCodec<T>.Writer];
    private static readonly ValueWriter[] s_items = [ValueCodec<T[]>.Writer];

    public SharedListProxy(SharedObject handle)
        : base(handle)
    {
    }

    public int Count => Call<int>(ListMembers.Count, [], []);

    public bool IsReadOnly => false;

    public T this[int index]
    {
        get => Call<T>(ListMembers.Get, [index], s_index);
        set => Call(ListMembers.Set, [index, value], s_indexItem);
    }

    public void Add(T item) => Call(ListMembers.Add, [item], s_item);

    public Task AddAsync(T item, CancellationToken cancellationToken = default)
        => CallAsync(ListMembers.Add, [item], s_item, cancellationToken);

    public void AddRange(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        Call(ListMembers.AddRange, [items.ToArray()], s_items);
    }

    public void Insert(int index, T item) => Call(ListMembers.Insert, [index, item], s_indexItem);

    public void RemoveAt(int index) => Call(ListMembers.RemoveAt, [index], s_index);

    public bool Remove(T item) => Call<bool>(ListMembers.Remove, [item], s_item);

    public int IndexOf(T item) => Call<int>(ListMembers.IndexOf, [item], s_item);

    public bool Contains(T item) => IndexOf(item) >= 0;

    public void Clear() => Call(ListMembers.Clear, [], []);

    public T[] ToArray() => Call<T[]>(ListMembers.ToArray, [], []);

    public Task<T[]> ToArrayAsync(CancellationToken cancellationToken = default)
        => CallAsync<T[]>(ListMembers.ToArray, [], [], cancellationToken);

    public void CopyTo(T[] array, int arrayIndex) => ToArray().CopyTo(array, arrayIndex);

    public T Pop() => TryPop(out T item) ? item : throw new InvalidOperationException("Pop from an empty shared list.");

    public bool TryPop(out T item)
    {
        T[] popped = Call<T[]>(ListMembers.TryPop, [], []);
        item = popped.Length == 1 ? popped[0] : default!;
        return popped.Length == 1;
    }

    public async Task<(bool Success, T Value)> TryPopAsync(CancellationToken cancellationToken = default)
    {
        T[] popped = await CallAsync<T[]>(ListMembers.TryPop, [], [], cancellationToken).ConfigureAwait(false);
        return popped.Length == 1 ? (true, popped[0]) : (false, default!);
    }

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)ToArray()).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
