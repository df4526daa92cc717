using System.Reflection;
using MessagePack;

namespace Multiproc.Processes.Child;

/// <summary>Runs a one-parameter target over a chunk of encoded items without boxing or reflection per item.</summary>
internal abstract class MapInvoker
{
    /// <summary>Creates the invoker typed by the method's own parameter and return types.</summary>
    public static MapInvoker Create(MethodInfo method, object? instance)
    {
        Type invoker = typeof(MapInvoker<,>).MakeGenericType(method.GetParameters()[0].ParameterType, method.ReturnType);
        return (MapInvoker)Activator.CreateInstance(invoker, method, instance)!;
    }

    /// <summary>Reads an item array, invokes the target on each item, writes the result array.</summary>
    /// <remarks>The first item that throws aborts the chunk; the caller reports that exception.</remarks>
    public abstract void Invoke(ref MessagePackReader items, ref MessagePackWriter results);
}
