namespace Multiproc;

/// <summary>
/// Marks a class as a shared type reached through <see cref="Contract"/>, so a manager can register
/// it by finding it: <see cref="ManagerOptions.RegisterSharedTypes"/>, or
/// <c>multiproc serve --register ASSEMBLY.dll</c>, which loads a program's assembly and serves the
/// classes it marks (docs/cli.md).
/// </summary>
/// <remarks>
/// The same as <c>options.Register&lt;TContract, TClass&gt;(typeId)</c> written by hand. A class may
/// carry the attribute more than once, for several contracts or type ids.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
public sealed class SharedTypeAttribute : Attribute
{
    /// <summary>Marks the class as served through <paramref name="contract"/>.</summary>
    /// <param name="contract">The interface proxies implement; the class must implement it.</param>
    public SharedTypeAttribute(Type contract)
    {
        Contract = contract;
    }

    /// <summary>Gets the interface proxies implement.</summary>
    public Type Contract { get; }

    /// <summary>Gets or sets the type id, the name clients create it by; default the interface's full name.</summary>
    public string? Id { get; set; }
}
