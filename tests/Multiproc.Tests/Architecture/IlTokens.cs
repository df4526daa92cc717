using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace Multiproc.Tests.Architecture;

/// <summary>Reads the metadata tokens (types, members, signatures) out of an IL method body, stepping over
/// every other operand by the size its opcode declares in <see cref="OpCodes"/>.</summary>
internal static class IlTokens
{
    private const byte TwoBytePrefix = 0xFE;

    private static readonly OperandType?[] s_oneByte = new OperandType?[256];
    private static readonly OperandType?[] s_twoByte = new OperandType?[256];

#pragma warning disable CA1810 // The tables are filled from OpCodes by reflection; a loop reads better in a constructor.
    static IlTokens()
#pragma warning restore CA1810
    {
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var opCode = (OpCode)field.GetValue(null)!;
            OperandType?[] table = opCode.Size == 1 ? s_oneByte : s_twoByte;
            table[(ushort)opCode.Value & 0xFF] = opCode.OperandType;
        }
    }

    public static List<EntityHandle> Read(BlobReader il)
    {
        var tokens = new List<EntityHandle>();
        while (il.RemainingBytes > 0)
        {
            byte code = il.ReadByte();
            OperandType? operand = code == TwoBytePrefix ? s_twoByte[il.ReadByte()] : s_oneByte[code];
            switch (operand)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineSig
                    or OperandType.InlineTok or OperandType.InlineType:
                    tokens.Add(MetadataTokens.EntityHandle(il.ReadInt32()));
                    break;
                case OperandType.InlineSwitch:
                    int targets = il.ReadInt32();
                    il.Offset += 4 * targets;
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.ShortInlineR or OperandType.InlineString:
                    il.Offset += 4;
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.Offset += 8;
                    break;
                default:
                    throw new BadImageFormatException($"Unknown opcode 0x{code:X2} at IL offset {il.Offset - 1}.");
            }
        }

        return tokens;
    }
}
