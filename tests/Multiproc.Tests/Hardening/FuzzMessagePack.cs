using System.Buffers;
using System.Text;
using CsCheck;
using MessagePack;

namespace Multiproc.Tests.Hardening;

/// <summary>Generators of encoded MessagePack values: well-formed ones of every type, and hostile ones.</summary>
internal static class FuzzMessagePack
{
    public delegate void Write(ref MessagePackWriter writer);

    /// <summary>Gets small and boundary integers, as the wire encodes them.</summary>
    public static Gen<long> Integer { get; } = Gen.Frequency(
        (4, Gen.Long[-3, 10]),
        (2, Gen.OneOf(0L, -1L, sbyte.MinValue, byte.MaxValue, short.MinValue, ushort.MaxValue, int.MinValue, int.MaxValue, uint.MaxValue, long.MinValue, long.MaxValue)),
        (1, Gen.Long));

    /// <summary>Gets strings: names the manager knows, their near misses, empty, long, and not UTF-8 at all.</summary>
    public static Gen<byte[]> String { get; } = Gen.Frequency(
        (4, Gen.OneOf("", "a", "fuzz-0", "fuzz-1", "multiproc:list", "multiproc:queue", "multiproc:dict", "Multiproc.Tests.Fixtures.IEmployee", "Ledger", "x(")
            .Select(s => Encode((ref MessagePackWriter w) => w.Write(s)))),
        (2, Gen.String[Gen.Char.AlphaNumeric, 0, 24].Select(s => Encode((ref MessagePackWriter w) => w.Write(s)))),
        (1, Gen.Byte.Array[0, 24].Select(raw => Encode((ref MessagePackWriter w) => w.WriteString(raw)))),
        (1, Gen.Int[1000, 40_000].Select(n => Encode((ref MessagePackWriter w) => w.Write(new string('s', n))))));

    /// <summary>Gets headers that lie about their size, and nesting deeper than any decoder's limit.</summary>
    public static Gen<byte[]> Hostile { get; } = Gen.OneOf(
        Gen.OneOf<byte>(0xdc, 0xdd, 0xde, 0xdf, 0xd9, 0xda, 0xdb, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9)
            .Select(marker => new byte[] { marker, 0xff, 0xff, 0xff, 0xff, 0x01 }),
        Gen.Int[10, 100_000].Select(levels => Enumerable.Repeat((byte)0x91, levels).Append((byte)0xc0).ToArray()),
        Gen.Int[10, 50_000].Select(levels => Enumerable.Repeat((byte)0x81, levels).SelectMany(b => new byte[] { b, 0xa1, 0x6b }).Append((byte)0xc0).ToArray()),
        Gen.Const(new byte[] { 0xc1 }));

    /// <summary>Gets any value, nested at most three levels (arrays, maps and extensions included).</summary>
    public static Gen<byte[]> Value { get; } = Gen.Recursive<byte[]>((depth, self) =>
    {
        Gen<byte[]> scalar = Gen.Frequency(
            (1, Gen.Const(Encode((ref MessagePackWriter w) => w.WriteNil()))),
            (1, Gen.Bool.Select(b => Encode((ref MessagePackWriter w) => w.Write(b)))),
            (4, Integer.Select(i => Encode((ref MessagePackWriter w) => w.Write(i)))),
            (1, Gen.ULong.Select(u => Encode((ref MessagePackWriter w) => w.Write(u)))),
            (1, Gen.Double.Select(d => Encode((ref MessagePackWriter w) => w.Write(d)))),
            (1, Gen.Float.Select(f => Encode((ref MessagePackWriter w) => w.Write(f)))),
            (3, String),
            (1, Gen.Byte.Array[0, 32].Select(b => Encode((ref MessagePackWriter w) => w.Write(b)))),
            (1, Gen.Select(Gen.SByte, Gen.Byte.Array[0, 20], (code, data) => Encode((ref MessagePackWriter w) =>
            {
                w.WriteExtensionFormatHeader(new ExtensionHeader(code, data.Length));
                w.WriteRaw(data);
            }))),
            (2, Gen.Select(Integer, String, Reference)),
            (1, Hostile));
        if (depth >= 3)
        {
            return scalar;
        }

        Gen<byte[]> array = self.Array[0, 4].Select(items => Container(items.Length, isMap: false, items));
        Gen<byte[]> map = self.Array[0, 3].Select(pairs => Container(pairs.Length / 2, isMap: true, pairs[..(pairs.Length / 2 * 2)]));
        return Gen.Frequency((6, scalar), (1, array), (1, map));
    });

    /// <summary>Gets a TimeSpan as the wire carries it (ticks): infinite, zero, a few ms, negative, huge.</summary>
    public static Gen<byte[]> Timeout { get; } = Gen.Frequency(
        (4, Gen.OneOf(-10_000L, 0L, 10_000L, 50_000L, 200_000L).Select(Int64)),
        (1, Integer.Select(Int64)));

    public static byte[] Int64(long value) => Encode((ref MessagePackWriter w) => w.Write(value));

    /// <summary>A shared-object reference: extension 42 wrapping [objectId, typeId].</summary>
    public static byte[] Reference(long objectId, byte[] typeId) => Encode((ref MessagePackWriter w) =>
    {
        byte[] inner = Encode((ref MessagePackWriter i) =>
        {
            i.WriteArrayHeader(2);
            i.Write(objectId);
            i.WriteRaw(typeId);
        });
        w.WriteExtensionFormatHeader(new ExtensionHeader(42, inner.Length));
        w.WriteRaw(inner);
    });

    public static byte[] Container(int count, bool isMap, byte[][] items) => Encode((ref MessagePackWriter w) =>
    {
        if (isMap)
        {
            w.WriteMapHeader(count);
        }
        else
        {
            w.WriteArrayHeader(count);
        }

        foreach (byte[] item in items)
        {
            w.WriteRaw(item);
        }
    });

    public static byte[] Encode(Write write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Utf8(string text) => Encode((ref MessagePackWriter w) => w.WriteString(Encoding.UTF8.GetBytes(text)));
}
