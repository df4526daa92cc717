namespace Multiproc.Python.Pickle;

/// <summary>How a pickle built an opaque object, so the writer can build it the same way.</summary>
internal enum PyObjectKind
{
    /// <summary><c>callable(*args)</c> through <c>REDUCE</c>.</summary>
    Reduce,

    /// <summary><c>cls.__new__(cls, *args)</c> through <c>NEWOBJ</c>.</summary>
    NewObj,

    /// <summary><c>cls.__new__(cls, *args, **kwargs)</c> through <c>NEWOBJ_EX</c>.</summary>
    NewObjEx,
}
