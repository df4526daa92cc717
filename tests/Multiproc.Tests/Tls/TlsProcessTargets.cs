namespace Multiproc.Tests.Tls;

/// <summary>Worker targets of <see cref="TlsProcessTests"/>: they reach a <c>tls://</c> manager through the proxies they are given.</summary>
internal static class TlsProcessTargets
{
    /// <summary>Adds <paramref name="count"/> items to the list; returns the list's length afterwards.</summary>
    public static int AddItems(ISharedList<int> list, int count)
    {
        for (int i = 0; i < count; i++)
        {
            list.Add(i);
        }

        return list.Count;
    }
}
