namespace Multiproc.Python.Pickle;

/// <summary>A Python global named by a pickle (<c>GLOBAL</c>/<c>STACK_GLOBAL</c>): a module and a qualified name,
/// never resolved or imported.</summary>
/// <param name="Module">The module, for example <c>builtins</c> or <c>multiprocessing.managers</c>.</param>
/// <param name="Name">The qualified name in the module, for example <c>KeyError</c>.</param>
internal sealed record PyGlobal(string Module, string Name)
{
    /// <summary>Gets whether this global is <c>builtins.<paramref name="name"/></c>.</summary>
    public bool IsBuiltin(string name) => Module == "builtins" && Name == name;

    /// <inheritdoc/>
    public override string ToString() => Module + "." + Name;
}
