using System.Collections;
using System.Diagnostics.CodeAnalysis;
using MessagePack;
using Multiproc.Protocol.BuiltIns;
using Multiproc.Serialization;

namespace Multiproc.Proxies.BuiltIns;

/// <summary>The proxy of a shared dictionary.</summary>
internal sealed class SharedDictionaryProxy<TKey, TValue> : BuiltInProxy, ISharedDictionary<TKey, TValue>
    where TKey : notnull
{
    private static readonly ValueWriter[] s_key = [ValueCodec<TKey>.Writer];
    private static readonly ValueWriter[] s_keyValue = [ValueCodec<TKey>.Writer, ValueCodec<TValue>.Writer];
    private static readonly ValueWriter[] s_keyValueValue = [ValueCodec<TKey>.Writer, ValueCodec<TValue>.Writer, ValueCodec<TValue>.Writer];
    private static readonly ValueWriter[] s_keys = [ValueCodec<TKey[]>.Writer];
    private static readonly ValueWriter[] s_pairs = [WritePairs];
    private static readonly ValueReader s_pairsReader = ReadPairs;

    public SharedDictionaryProxy(SharedObject handle)
        : base(handle)
    {
    }

    public int Count => Call<int>(DictionaryMembers.Count, [], []);

    public bool IsReadOnly => false;

    public ICollection<TKey> Keys => Snapshot().Keys;

    public ICollection<TValue> Values => Snapshot().Values;

    public TValue this[TKey key]
    {
        get => Call<TValue>(DictionaryMembers.Get, [key], s_key);
        set => Call(DictionaryMembers.Set, [key, value], s_keyValue);
    }

    public void Add(TKey key, TValue value)
    {
        if (!TryAdd(key, value))
        {
            throw new ArgumentException("An item with the same key has already been added.", nameof(key));
        }
    }

    public void Add(KeyValuePair<TKey, TValue> item) => Add(item.Key, item.Value);

    public bool TryAdd(TKey key, TValue value) => Call<bool>(DictionaryMembers.TryAdd, [key, value], s_keyValue);

    public bool ContainsKey(TKey key) => Call<bool>(DictionaryMembers.ContainsKey, [key], s_key);

    public bool Contains(KeyValuePair<TKey, TValue> item)
        => TryGetValue(item.Key, out TValue? value) && EqualityComparer<TValue>.Default.Equals(value, item.Value);

    public bool TryGetValue(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        TValue[] found = Call<TValue[]>(DictionaryMembers.TryGet, [key], s_key);
        value = found.Length == 1 ? found[0] : default;
        return found.Length == 1;
    }

    public async Task<(bool Success, TValue Value)> TryGetValueAsync(TKey key, CancellationToken cancellationToken = default)
    {
        TValue[] found = await CallAsync<TValue[]>(DictionaryMembers.TryGet, [key], s_key, cancellationToken).ConfigureAwait(false);
        return found.Length == 1 ? (true, found[0]) : (false, default!);
    }

    public Task SetAsync(TKey key, TValue value, CancellationToken cancellationToken = default)
        => CallAsync(DictionaryMembers.Set, [key, value], s_keyValue, cancellationToken);

    public bool Remove(TKey key) => Call<bool>(DictionaryMembers.Remove, [key], s_key);

    public bool Remove(KeyValuePair<TKey, TValue> item) => Contains(item) && Remove(item.Key);

    public bool TryRemove(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        TValue[] removed = Call<TValue[]>(DictionaryMembers.TryRemove, [key], s_key);
        value = removed.Length == 1 ? removed[0] : default;
        return removed.Length == 1;
    }

    public bool TryUpdate(TKey key, TValue newValue, TValue comparisonValue)
        => Call<bool>(DictionaryMembers.TryUpdate, [key, newValue, comparisonValue], s_keyValueValue);

    public TValue GetOrAdd(TKey key, TValue value) => Call<TValue>(DictionaryMembers.GetOrAdd, [key, value], s_keyValue);

    public TValue AddOrUpdate(TKey key, TValue addValue, TValue updateValue)
        => Call<TValue>(DictionaryMembers.AddOrUpdate, [key, addValue, updateValue], s_keyValueValue);

    public TValue Increment(TKey key, TValue delta) => Call<TValue>(DictionaryMembers.Increment, [key, delta], s_keyValue);

    public Task<TValue> IncrementAsync(TKey key, TValue delta, CancellationToken cancellationToken)
        => CallAsync<TValue>(DictionaryMembers.Increment, [key, delta], s_keyValue, cancellationToken);

    public IReadOnlyDictionary<TKey, TValue> GetMany(IEnumerable<TKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return Call<Dictionary<TKey, TValue>>(DictionaryMembers.GetMany, [keys.ToArray()], s_keys, s_pairsReader);
    }

    public void SetMany(IEnumerable<KeyValuePair<TKey, TValue>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        Call(DictionaryMembers.SetMany, [pairs.ToArray()], s_pairs);
    }

    public Dictionary<TKey, TValue> Snapshot() => Call<Dictionary<TKey, TValue>>(DictionaryMembers.Snapshot, [], [], s_pairsReader);

    public Task<Dictionary<TKey, TValue>> SnapshotAsync(CancellationToken cancellationToken = default)
        => CallAsync<Dictionary<TKey, TValue>>(DictionaryMembers.Snapshot, [], [], s_pairsReader, cancellationToken);

    public void Clear() => Call(DictionaryMembers.Clear, [], []);

    public void CopyTo(KeyValuePair<TKey, TValue>[] array, int arrayIndex) => ((ICollection<KeyValuePair<TKey, TValue>>)Snapshot()).CopyTo(array, arrayIndex);

    public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static void WritePairs(ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options)
    {
        var pairs = (KeyValuePair<TKey, TValue>[])value!;
        writer.WriteArrayHeader(pairs.Length * 2);
        foreach ((TKey key, TValue item) in pairs)
        {
            ValueCodec<TKey>.Writer(ref writer, key, options);
            ValueCodec<TValue>.Writer(ref writer, item, options);
        }
    }

    private static object? ReadPairs(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        int count = reader.ReadArrayHeader() / 2;
        var pairs = new Dictionary<TKey, TValue>(count);
        for (int i = 0; i < count; i++)
        {
            var key = (TKey)ValueCodec<TKey>.Reader(ref reader, options)!;
            pairs[key] = (TValue)ValueCodec<TValue>.Reader(ref reader, options)!;
        }

        return pairs;
    }
}
