using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Multiproc.Memory;

namespace Multiproc;

/// <summary>
/// A fixed-length array of unmanaged values in shared memory: every process that opens it
/// reads and writes the same elements directly, with no copies and no calls.
/// </summary>
/// <typeparam name="T">The element type; an unmanaged type whose layout is the same in every process that opens the array.</typeparam>
/// <remarks>
/// <para>
/// The block starts with a small header (magic, element size, length) that
/// <see cref="Open(string)"/> checks, so attaching with the wrong element size or to
/// something that is not an array fails with <see cref="InvalidDataException"/> instead of
/// reading garbage. Element 0 starts 64 bytes into the block.
/// </para>
/// <para>
/// Ownership and lifetime are those of the underlying <see cref="SharedMemory"/>: the
/// instance from <see cref="Create(int, string?)"/> owns the backing file and removes it
/// when disposed (or at normal process exit); opened instances never remove it.
/// </para>
/// <para>
/// Threading: plain element access (<see cref="Span"/>, the indexer) is unsynchronized.
/// For <see cref="int"/>, <see cref="long"/>, <see cref="uint"/> and <see cref="ulong"/>
/// elements, <see cref="Add"/>, <see cref="Increment"/>, <see cref="Decrement"/>,
/// <see cref="Exchange"/>, <see cref="CompareExchange"/>, <see cref="Read"/> and
/// <see cref="Write"/> are atomic across threads and processes; on other element types
/// they throw <see cref="NotSupportedException"/>.
/// </para>
/// <para>
/// Range checks: the indexer throws <see cref="IndexOutOfRangeException"/>, as arrays and
/// spans do; the methods taking an <c>index</c> argument throw
/// <see cref="ArgumentOutOfRangeException"/>.
/// </para>
/// </remarks>
[SuppressMessage("Design", "CA1000:Do not declare static members on generic types", Justification = "SharedArray<long>.Create/Open is the documented public shape; the element type cannot be inferred from a length or a name.")]
public sealed unsafe class SharedArray<T> : IDisposable
    where T : unmanaged
{
    private SharedArray(SharedMemory memory, int length)
    {
        Memory = memory;
        Length = length;
    }

    /// <summary>Gets the name other processes pass to <see cref="Open(string)"/>.</summary>
    public string Name => Memory.Name;

    /// <summary>Gets the number of elements.</summary>
    public int Length { get; }

    /// <summary>Gets all elements as a span over the shared memory.</summary>
    /// <exception cref="ObjectDisposedException">The array has been disposed.</exception>
    public Span<T> Span => new(Data, Length);

    /// <summary>Gets the manager's reference that keeps a manager-created block alive, or null.</summary>
    internal IDisposable? Handle { get; private set; }

    /// <summary>Gets the shared memory block behind the array.</summary>
    internal SharedMemory Memory { get; }

    /// <summary>Gets what another process needs to open this array.</summary>
    internal SharedArrayDescriptor Descriptor => new(Name, sizeof(T), Length);

    private T* Data => (T*)(Memory.Pointer + SharedArrayHeader.Size);

    /// <summary>Gets a reference to an element in shared memory.</summary>
    /// <param name="index">The element index.</param>
    /// <returns>A reference to the element.</returns>
    /// <exception cref="IndexOutOfRangeException"><paramref name="index"/> is negative or not less than <see cref="Length"/>.</exception>
    /// <exception cref="ObjectDisposedException">The array has been disposed.</exception>
    public ref T this[int index] => ref Span[index];

    /// <summary>Creates a new zero-filled array owned by this instance.</summary>
    /// <param name="length">The number of elements; zero or more.</param>
    /// <param name="name">The block name, or <see langword="null"/> for a random one.</param>
    /// <returns>The owning instance.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name.</exception>
    /// <exception cref="IOException">A block with that name already exists, or there is not enough space.</exception>
    public static SharedArray<T> Create(int length, string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var memory = SharedMemory.Create(SharedArrayHeader.Size + ((long)length * sizeof(T)), name);
        SharedArrayHeader.Write(memory.GetSpan(0, SharedArrayHeader.Size), sizeof(T), length);
        return new SharedArray<T>(memory, length);
    }

    /// <summary>Attaches to an existing array by name, typically one created by another process.</summary>
    /// <param name="name">The <see cref="Name"/> of the array.</param>
    /// <returns>An instance that does not own the block.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name.</exception>
    /// <exception cref="FileNotFoundException">No block with that name exists.</exception>
    /// <exception cref="InvalidDataException">The block is not an array of <typeparamref name="T"/>-sized elements, or is truncated.</exception>
    public static SharedArray<T> Open(string name) => Open(name, expectedLength: null);

    /// <summary>Attaches to the array a descriptor names, checking element size and length.</summary>
    /// <param name="descriptor">The descriptor the creating side sent.</param>
    /// <returns>An instance that does not own the block.</returns>
    /// <exception cref="InvalidDataException">The descriptor or the block does not match <typeparamref name="T"/> and the descriptor's length.</exception>
    internal static SharedArray<T> Open(SharedArrayDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        if (descriptor.ElementSize != sizeof(T))
        {
            throw new InvalidDataException(
                $"The shared array '{descriptor.Name}' has {descriptor.ElementSize}-byte elements; {typeof(T).Name} has {sizeof(T)} bytes.");
        }

        return Open(descriptor.Name, descriptor.Length);
    }

    /// <summary>Atomically adds <paramref name="delta"/> to an element and returns the new value.</summary>
    /// <param name="index">The element index.</param>
    /// <param name="delta">The amount to add; for 32-bit elements it is taken modulo 2^32.</param>
    /// <returns>The new value, widened to <see cref="long"/> (a <see cref="ulong"/> above <see cref="long.MaxValue"/> comes back negative).</returns>
    /// <remarks>Overflow wraps around, as with <see cref="Interlocked.Add(ref long, long)"/>.</remarks>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not int, long, uint or ulong.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public long Add(int index, long delta)
    {
        EnsureAtomic();
        ref T slot = ref Slot(index);
        if (typeof(T) == typeof(int))
        {
            return Interlocked.Add(ref Unsafe.As<T, int>(ref slot), unchecked((int)delta));
        }

        if (typeof(T) == typeof(uint))
        {
            return Interlocked.Add(ref Unsafe.As<T, uint>(ref slot), unchecked((uint)delta));
        }

        if (typeof(T) == typeof(ulong))
        {
            return unchecked((long)Interlocked.Add(ref Unsafe.As<T, ulong>(ref slot), unchecked((ulong)delta)));
        }

        return Interlocked.Add(ref Unsafe.As<T, long>(ref slot), delta);
    }

    /// <summary>Atomically adds one to an element and returns the new value.</summary>
    /// <param name="index">The element index.</param>
    /// <returns>The new value, widened to <see cref="long"/>.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not int, long, uint or ulong.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public long Increment(int index) => Add(index, 1);

    /// <summary>Atomically subtracts one from an element and returns the new value.</summary>
    /// <param name="index">The element index.</param>
    /// <returns>The new value, widened to <see cref="long"/>.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not int, long, uint or ulong.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public long Decrement(int index) => Add(index, -1);

    /// <summary>Atomically sets an element to <paramref name="value"/> if it equals <paramref name="comparand"/>.</summary>
    /// <param name="index">The element index.</param>
    /// <param name="value">The value to store.</param>
    /// <param name="comparand">The value the element must have for the store to happen.</param>
    /// <returns>The element's original value; the store happened if it equals <paramref name="comparand"/>.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not int, long, uint or ulong.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public T CompareExchange(int index, T value, T comparand)
    {
        EnsureAtomic();
        return Interlocked.CompareExchange(ref Slot(index), value, comparand);
    }

    /// <summary>Atomically sets an element and returns its previous value.</summary>
    /// <param name="index">The element index.</param>
    /// <param name="value">The value to store.</param>
    /// <returns>The element's original value.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not int, long, uint or ulong.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public T Exchange(int index, T value)
    {
        EnsureAtomic();
        return Interlocked.Exchange(ref Slot(index), value);
    }

    /// <summary>Reads an element with acquire semantics (a <see cref="Volatile"/> read).</summary>
    /// <param name="index">The element index.</param>
    /// <returns>The element's current value.</returns>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not int, long, uint or ulong.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public T Read(int index)
    {
        EnsureAtomic();
        return sizeof(T) == sizeof(int)
            ? Unsafe.BitCast<int, T>(Volatile.Read(ref Unsafe.As<T, int>(ref Slot(index))))
            : Unsafe.BitCast<long, T>(Volatile.Read(ref Unsafe.As<T, long>(ref Slot(index))));
    }

    /// <summary>Writes an element with release semantics (a <see cref="Volatile"/> write).</summary>
    /// <param name="index">The element index.</param>
    /// <param name="value">The value to store.</param>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is not int, long, uint or ulong.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is out of range.</exception>
    public void Write(int index, T value)
    {
        EnsureAtomic();
        if (sizeof(T) == sizeof(int))
        {
            Volatile.Write(ref Unsafe.As<T, int>(ref Slot(index)), Unsafe.BitCast<T, int>(value));
        }
        else
        {
            Volatile.Write(ref Unsafe.As<T, long>(ref Slot(index)), Unsafe.BitCast<T, long>(value));
        }
    }

    /// <summary>Removes the backing file so the name can no longer be opened; existing mappings keep working.</summary>
    public void Unlink() => Memory.Unlink();

    /// <summary>Unmaps the array and, if this instance created it, removes its file.</summary>
    /// <remarks>Spans and references obtained from this instance must not be used afterwards.</remarks>
    public void Dispose()
    {
        Memory.Dispose();
        Handle?.Dispose();
    }

    /// <summary>Opens a block the manager created and ties this instance to the manager's reference.</summary>
    internal static SharedArray<T> OpenHeld(SharedArrayDescriptor descriptor, IDisposable handle)
    {
        SharedArray<T> array = Open(descriptor);
        array.Handle = handle;
        return array;
    }

    private static SharedArray<T> Open(string name, int? expectedLength)
    {
        var memory = SharedMemory.Open(name);
        try
        {
            int length = SharedArrayHeader.Validate(memory, name, sizeof(T), expectedLength);
            return new SharedArray<T>(memory, length);
        }
        catch
        {
            memory.Dispose();
            throw;
        }
    }

    private static void EnsureAtomic()
    {
        if (typeof(T) != typeof(int) && typeof(T) != typeof(long) && typeof(T) != typeof(uint) && typeof(T) != typeof(ulong))
        {
            throw new NotSupportedException(
                $"Atomic operations need int, long, uint or ulong elements; this array holds {typeof(T).Name}.");
        }
    }

    private ref T Slot(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length);
        return ref Data[index];
    }
}
