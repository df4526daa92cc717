namespace Multiproc.Server.BuiltIns;

/// <summary>The manager's side of <see cref="ISharedNamespace"/>: named encoded values.</summary>
internal sealed class SharedNamespaceServer : IDisposable
{
    private readonly Dictionary<string, EncodedValue> _attributes = new(StringComparer.Ordinal);

    public EncodedValue[] TryGet(string name) => _attributes.TryGetValue(name, out EncodedValue value) ? [value] : [];

    public void Set(string name, EncodedValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        value.Hold();
        if (_attributes.Remove(name, out EncodedValue old))
        {
            old.Release();
        }

        _attributes[name] = value;
    }

    public bool Remove(string name)
    {
        if (!_attributes.Remove(name, out EncodedValue old))
        {
            return false;
        }

        old.Release();
        return true;
    }

    public string[] Names() => [.. _attributes.Keys.Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        foreach (EncodedValue value in _attributes.Values)
        {
            value.Release();
        }

        _attributes.Clear();
    }
}
