namespace Multiproc;

/// <summary>One registered shared type: what clients create by <see cref="TypeId"/>.</summary>
/// <param name="TypeId">The name clients use.</param>
/// <param name="Contract">The interface proxies implement, or the class itself when registered without one.</param>
/// <param name="Implementation">The class constructed per create, or null when a factory is used.</param>
/// <param name="Factory">Python's callable: produces the instance (possibly a shared one).</param>
internal sealed record Registration(string TypeId, Type Contract, Type? Implementation, Delegate? Factory);
