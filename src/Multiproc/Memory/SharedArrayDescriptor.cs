namespace Multiproc.Memory;

/// <summary>What another process needs to attach to a <see cref="SharedArray{T}"/>: its name, element size and length.</summary>
/// <remarks>
/// This is how an array travels as a proxy argument: the sender encodes the descriptor
/// (<see cref="SharedArray{T}.Descriptor"/>), the receiver knows the element type from the
/// parameter and calls <see cref="SharedArray{T}.Open(SharedArrayDescriptor)"/>, which checks
/// both numbers against the block's header.
/// </remarks>
/// <param name="Name">The name of the shared memory block.</param>
/// <param name="ElementSize">The size in bytes of one element.</param>
/// <param name="Length">The number of elements.</param>
internal sealed record SharedArrayDescriptor(string Name, int ElementSize, int Length);
