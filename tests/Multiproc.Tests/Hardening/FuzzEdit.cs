namespace Multiproc.Tests.Hardening;

/// <summary>One kind of byte-level change a fuzz mutation makes to a valid input.</summary>
internal enum FuzzEdit
{
    /// <summary>Flip one bit.</summary>
    Flip,

    /// <summary>Overwrite one byte with a random value.</summary>
    Set,

    /// <summary>Overwrite one byte with a MessagePack type marker or a boundary value.</summary>
    Interesting,

    /// <summary>Overwrite four bytes with a boundary integer (lengths, counts, prefixes).</summary>
    Interesting32,

    /// <summary>Insert random bytes.</summary>
    Insert,

    /// <summary>Delete a run of bytes.</summary>
    Delete,

    /// <summary>Cut everything from a position on.</summary>
    Truncate,

    /// <summary>Repeat a run of bytes in place.</summary>
    Duplicate,
}
