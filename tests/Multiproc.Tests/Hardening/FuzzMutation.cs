using System.Buffers.Binary;
using CsCheck;

namespace Multiproc.Tests.Hardening;

/// <summary>A byte-level change to a valid input; positions wrap around the input's length when applied.</summary>
internal sealed record FuzzMutation(FuzzEdit Edit, uint Position, uint Value, byte[] Bytes)
{
    private static readonly byte[] s_interestingBytes =
    [
        0x00, 0x01, 0x7f, 0x80, 0xff, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc6, 0xc7, 0xc9, 0xcc, 0xce, 0xcf, 0xd0, 0xd3,
        0xd4, 0xd8, 0xd9, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0x90, 0x9f, 0x8f, 0xa0, 0xbf, 0xe0,
    ];

    private static readonly uint[] s_interestingWords =
    [
        0, 1, 2, 0x7f, 0x80, 0xff, 0xffff, 0x1_0000, 0x10_0001, 0x400_0000, 0x400_0001, 0x4000_0000, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff,
    ];

    /// <summary>Gets a generator of one mutation.</summary>
    public static Gen<FuzzMutation> One { get; } =
        Gen.Select(Gen.Enum<FuzzEdit>(), Gen.UInt, Gen.UInt, Gen.Byte.Array[1, 16],
            (edit, position, value, bytes) => new FuzzMutation(edit, position, value, bytes));

    /// <summary>Gets a generator of up to four mutations (none: the valid input itself).</summary>
    public static Gen<FuzzMutation[]> Several { get; } = One.Array[0, 4];

    /// <summary>Returns <paramref name="input"/> with every mutation applied in order.</summary>
    public static byte[] ApplyAll(byte[] input, FuzzMutation[] mutations)
    {
        List<byte> bytes = [.. input];
        foreach (FuzzMutation mutation in mutations)
        {
            mutation.ApplyTo(bytes);
        }

        return [.. bytes];
    }

    private void ApplyTo(List<byte> bytes)
    {
        if (Edit == FuzzEdit.Insert)
        {
            bytes.InsertRange((int)(Position % (uint)(bytes.Count + 1)), Bytes);
            return;
        }

        if (bytes.Count == 0)
        {
            return;
        }

        int at = (int)(Position % (uint)bytes.Count);
        int run = Math.Min(bytes.Count - at, 1 + (int)(Value % 8));
        switch (Edit)
        {
            case FuzzEdit.Flip:
                bytes[at] ^= (byte)(1 << (int)(Value % 8));
                break;
            case FuzzEdit.Set:
                bytes[at] = (byte)Value;
                break;
            case FuzzEdit.Interesting:
                bytes[at] = s_interestingBytes[Value % (uint)s_interestingBytes.Length];
                break;
            case FuzzEdit.Interesting32:
                Span<byte> word = stackalloc byte[4];
                uint chosen = s_interestingWords[Value % (uint)s_interestingWords.Length];
                // MessagePack counts are big-endian and frame prefixes little-endian: try both.
                if ((Value & 0x100) == 0)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(word, chosen);
                }
                else
                {
                    BinaryPrimitives.WriteUInt32LittleEndian(word, chosen);
                }

                for (int i = 0; i < 4 && at + i < bytes.Count; i++)
                {
                    bytes[at + i] = word[i];
                }

                break;
            case FuzzEdit.Delete:
                bytes.RemoveRange(at, run);
                break;
            case FuzzEdit.Truncate:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case FuzzEdit.Duplicate:
                bytes.InsertRange(at, bytes.GetRange(at, run));
                break;
        }
    }

    public override string ToString() => $"{Edit}@{Position}:{Value}";
}
