namespace Multiproc.Python.Pickle;

/// <summary>An object the value model does not represent (a user's class, <c>Fraction</c>, <c>Decimal</c>,
/// <c>datetime</c>, <c>SimpleNamespace</c>, <c>Token</c>, <c>RebuildProxy</c>, <c>slice</c>, an exception …), kept as
/// the reduce tree that built it so the writer can hand the same object back to Python.</summary>
/// <remarks>Nothing is imported or instantiated: <see cref="Callable"/> is usually a <see cref="PyGlobal"/> naming the
/// class. Equality and hash are by reference, as for a Python object without <c>__eq__</c>; that is a documented
/// approximation for value classes such as <c>Fraction</c> used as dict keys.</remarks>
internal sealed class PyObject
{
    /// <summary>Creates an object built by <paramref name="kind"/> from <paramref name="callable"/> and <paramref name="args"/>.</summary>
    public PyObject(object? callable, PyTuple args, PyObjectKind kind = PyObjectKind.Reduce, PyDict? kwargs = null)
    {
        Callable = callable;
        Args = args;
        Kind = kind;
        Kwargs = kwargs;
    }

    /// <summary>Gets the callable (<c>REDUCE</c>) or class (<c>NEWOBJ</c>, <c>NEWOBJ_EX</c>).</summary>
    public object? Callable { get; }

    /// <summary>Gets the positional arguments.</summary>
    public PyTuple Args { get; }

    /// <summary>Gets how the object was built.</summary>
    public PyObjectKind Kind { get; }

    /// <summary>Gets the keyword arguments of <see cref="PyObjectKind.NewObjEx"/>, else null.</summary>
    public PyDict? Kwargs { get; }

    /// <summary>Gets whether a <c>BUILD</c> gave the object a state (which may itself be None).</summary>
    public bool HasState { get; private set; }

    /// <summary>Gets the state passed to <c>__setstate__</c> (or merged into <c>__dict__</c>) by <c>BUILD</c>.</summary>
    public object? State { get; private set; }

    /// <summary>Gets the items appended to the object (<c>APPEND</c>/<c>APPENDS</c> on a list subclass).</summary>
    public List<object?> ListItems { get; } = [];

    /// <summary>Gets the items set on the object (<c>SETITEM</c>/<c>SETITEMS</c> on a dict subclass), in order.</summary>
    public List<KeyValuePair<object?, object?>> DictItems { get; } = [];

    /// <summary>Gets the callable as a global, or null when it is something else.</summary>
    public PyGlobal? Class => Callable as PyGlobal;

    /// <summary>Creates <c>callable(*args)</c>, for example an exception <c>builtins.KeyError(key)</c> for an <c>#ERROR</c> reply.</summary>
    public static PyObject Reduce(string module, string name, params ReadOnlySpan<object?> args)
        => new(new PyGlobal(module, name), new PyTuple(args));

    /// <summary>Sets the state, as <c>BUILD</c> does.</summary>
    /// <exception cref="InvalidOperationException">The object already has a state.</exception>
    public void SetState(object? state)
    {
        if (HasState)
        {
            throw new InvalidOperationException("The object already has a state.");
        }

        State = state;
        HasState = true;
    }

    /// <summary>Reads a <c>builtins.slice</c> as its start, stop and step (each None or an int).</summary>
    public bool TryGetSlice(out object? start, out object? stop, out object? step)
    {
        start = stop = step = null;
        if (Kind != PyObjectKind.Reduce || Class?.IsBuiltin("slice") != true || Args.Count is < 1 or > 3 || HasState)
        {
            return false;
        }

        // slice(stop), slice(start, stop), slice(start, stop, step): the one-argument form is the stop.
        (start, stop, step) = Args.Count switch
        {
            1 => (null, Args[0], null),
            2 => (Args[0], Args[1], null),
            _ => (Args[0], Args[1], Args[2]),
        };
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Callable}(...)";
}
