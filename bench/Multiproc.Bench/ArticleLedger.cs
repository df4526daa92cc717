namespace Multiproc.Bench;

/// <summary>Shared state the article's workers update; travels to a worker as one argument of proxies.</summary>
public sealed record ArticleLedger(ISharedDictionary<string, decimal> DepartmentTotals, ISharedLock TopEarnerLock, ISharedNamespace TopEarner);
