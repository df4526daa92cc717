using System.IO.MemoryMappedFiles;
using Multiproc.Memory;

namespace Multiproc;

/// <summary>
/// A block of bytes that several processes map at once: a write through one mapping is
/// visible through every other without a copy or a call.
/// </summary>
/// <remarks>
/// <para>
/// The block is a file in <c>/dev/shm</c> (RAM-backed), or, where that is missing or not
/// writable, in a private 0700 directory under the temp path. Other processes attach with
/// <see cref="Open(string)"/> by <see cref="Name"/>; a non-.NET process can map the same file
/// directly (for example Python's <c>mmap</c> on <c>/dev/shm/&lt;name&gt;</c>).
/// </para>
/// <para>
/// Ownership: the instance returned by <see cref="Create(long, string?)"/> owns the backing
/// file. The file is removed when the owner is disposed, when anyone calls
/// <see cref="Unlink"/>, at normal exit of the owner's process (a
/// <see cref="AppDomain.ProcessExit"/> hook), or when an undisposed owner is finalized.
/// Instances from <see cref="Open(string)"/> never remove the file on their own, so a worker
/// that crashes leaks nothing. Removing the file only removes the name: every mapping that
/// exists keeps working until it is disposed. A process that is killed while owning a block
/// leaves its file behind; the next manager that starts on the machine removes the blocks with
/// random names whose creating process no longer exists.
/// </para>
/// <para>
/// Threading: the memory has no locking; coordinate access yourself (for example with the
/// atomic operations of <see cref="SharedArray{T}"/>). <see cref="Dispose"/> unmaps the block,
/// so no span obtained from it may be used afterwards, on any thread.
/// </para>
/// </remarks>
public sealed unsafe class SharedMemory : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const int RandomNameAttempts = 8;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly string _path;
    private int _unlinked;
    private int _disposed;

    private SharedMemory(string name, string path, FileStream stream, long length, bool isOwner)
    {
        Name = name;
        Length = length;
        IsOwner = isOwner;
        _path = path;
        try
        {
            _file = MemoryMappedFile.CreateFromFile(
                stream, mapName: null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _pointer = pointer + _view.PointerOffset;
        }
        catch
        {
            // The caller removes the file; a finalizer running later could remove a new
            // block that reused the name.
            GC.SuppressFinalize(this);
            _view?.Dispose();
            _file?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Backstop for an owner that was never disposed: removes the backing file. The mapping is
    /// deliberately left in place, because a span over it may still be in use by code that let
    /// go of this object early; it is released when the process exits.
    /// </summary>
    ~SharedMemory()
    {
        if (IsOwner && Interlocked.Exchange(ref _unlinked, 1) == 0)
        {
            try
            {
                OwnedSharedMemoryFiles.Delete(_path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Nothing can be reported from a finalizer; the ProcessExit hook retries.
            }
        }
    }

    /// <summary>Gets the name other processes pass to <see cref="Open(string)"/>.</summary>
    public string Name { get; }

    /// <summary>Gets the size of the block in bytes.</summary>
    public long Length { get; }

    /// <summary>Gets the whole block as a span.</summary>
    /// <exception cref="InvalidOperationException">The block is larger than <see cref="int.MaxValue"/> bytes; use <see cref="GetSpan(long, int)"/>.</exception>
    /// <exception cref="ObjectDisposedException">The instance has been disposed.</exception>
    public Span<byte> Span
    {
        get
        {
            if (Length > int.MaxValue)
            {
                throw new InvalidOperationException(
                    $"The block has {Length} bytes, more than a span can hold; use {nameof(GetSpan)}.");
            }

            return new Span<byte>(Pointer, (int)Length);
        }
    }

    /// <summary>Gets a value indicating whether this instance created the block and so owns its file.</summary>
    internal bool IsOwner { get; }

    /// <summary>Gets a value indicating whether <see cref="Dispose"/> has run.</summary>
    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Gets the full path of the backing file.</summary>
    internal string FilePath => _path;

    /// <summary>Gets the address of the first byte of the mapping.</summary>
    /// <exception cref="ObjectDisposedException">The instance has been disposed.</exception>
    internal byte* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return _pointer;
        }
    }

    /// <summary>Creates a new zero-filled block owned by this instance.</summary>
    /// <param name="size">The size in bytes; at least 1.</param>
    /// <param name="name">The name to create, or <see langword="null"/> for a random one ("mp-", this process's id, '-' and 16 hex digits).</param>
    /// <returns>The owning instance.</returns>
    /// <remarks>The file is created exclusively (O_EXCL) with mode 0600, and its space is reserved up front, so
    /// running out of shared memory surfaces here as an <see cref="IOException"/> rather than as a fault on first write.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is less than 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid name (see <see cref="Open(string)"/>).</exception>
    /// <exception cref="IOException">A block with that name already exists, or there is not enough space.</exception>
    public static SharedMemory Create(long size, string? name = null)
    {
        SupportedPlatform.ThrowIfUnsupported();
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (name is not null)
        {
            SharedMemoryName.Validate(name, nameof(name));
        }

        for (int attempt = 1; ; attempt++)
        {
            string actualName = name ?? SharedMemoryName.CreateRandom();
            string path = Path.Combine(SharedMemoryDirectory.Path, actualName);
            FileStream stream;
            try
            {
                stream = new FileStream(path, CreateOptions(size));
            }
            catch (IOException) when (name is null && attempt < RandomNameAttempts && File.Exists(path))
            {
                continue;
            }

            return CreateOwner(actualName, path, stream, size);
        }
    }

    /// <summary>Attaches to an existing block by name, typically one created by another process.</summary>
    /// <param name="name">The <see cref="Name"/> of the block: 1 to 200 ASCII letters, digits, '-', '_' or '.', without "..".</param>
    /// <returns>An instance that maps the whole block and does not own it.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is invalid, for example contains a path separator or "..".</exception>
    /// <exception cref="FileNotFoundException">No block with that name exists (or it was unlinked).</exception>
    /// <exception cref="InvalidDataException">The block is empty.</exception>
    public static SharedMemory Open(string name)
    {
        SupportedPlatform.ThrowIfUnsupported();
        SharedMemoryName.Validate(name, nameof(name));
        string path = Path.Combine(SharedMemoryDirectory.Path, name);
        var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            long length = stream.Length;
            if (length == 0)
            {
                throw new InvalidDataException($"The shared memory block '{name}' is empty.");
            }

            return new SharedMemory(name, path, stream, length, isOwner: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Gets part of the block as a span; works for blocks of any size.</summary>
    /// <param name="offset">The offset of the first byte.</param>
    /// <param name="length">The number of bytes.</param>
    /// <returns>A span over the requested bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The range does not lie within the block.</exception>
    /// <exception cref="ObjectDisposedException">The instance has been disposed.</exception>
    public Span<byte> GetSpan(long offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset, Length - length, nameof(offset));
        return new Span<byte>(Pointer + offset, length);
    }

    /// <summary>Removes the backing file, so the name can no longer be opened; existing mappings keep working.</summary>
    /// <remarks>
    /// Idempotent, and allowed on any instance, owner or not. Unlinking a block that another
    /// process already removed is not an error. Removal is by name: if someone else unlinks the
    /// block and a new one is created under the same name, the old owner's unlink removes the
    /// new file (as with POSIX <c>shm_unlink</c>); random names make this practically impossible.
    /// </remarks>
    public void Unlink()
    {
        if (Interlocked.Exchange(ref _unlinked, 1) != 0)
        {
            return;
        }

        if (!OwnedSharedMemoryFiles.Delete(_path))
        {
            File.Delete(_path);
        }
    }

    /// <summary>Unmaps the block and, if this instance is the owner, removes its file.</summary>
    /// <remarks>Spans obtained from this instance must not be used afterwards.</remarks>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (IsOwner)
            {
                Unlink();
            }
        }
        finally
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
            GC.SuppressFinalize(this);
        }
    }

    private static FileStreamOptions CreateOptions(long size)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.ReadWrite | FileShare.Delete,
            PreallocationSize = size,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return options;
    }

    private static SharedMemory CreateOwner(string name, string path, FileStream stream, long size)
    {
        OwnedSharedMemoryFiles.Add(path);
        try
        {
            stream.SetLength(size);
            return new SharedMemory(name, path, stream, size, isOwner: true);
        }
        catch
        {
            stream.Dispose();
            OwnedSharedMemoryFiles.Delete(path);
            throw;
        }
    }
}
