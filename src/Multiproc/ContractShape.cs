using System.Reflection;

namespace Multiproc;

/// <summary>
/// Checks that a type can be shared through a proxy, with an error that says what to change.
/// </summary>
internal static class ContractShape
{
    /// <summary>Returns every method a proxy of <paramref name="contract"/> can call (interface methods, inherited ones included).</summary>
    public static MethodInfo[] GetMethods(Type contract)
    {
        if (contract.IsInterface)
        {
            return [.. contract.GetMethods().Concat(contract.GetInterfaces().SelectMany(i => i.GetMethods())).Where(m => !m.IsStatic)];
        }

        return contract.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.DeclaringType != typeof(object))
            .ToArray();
    }

    /// <exception cref="ArgumentException">The contract uses something that cannot cross a process boundary.</exception>
    public static void Validate(Type contract)
    {
        if (contract.IsGenericTypeDefinition)
        {
            throw new ArgumentException($"{contract.Name} is an open generic type; register a closed type such as {contract.Name.Split('`')[0]}<int>.");
        }

        if (contract.IsInterface && contract.GetEvents().Length > 0)
        {
            throw new ArgumentException($"{contract.FullName} declares events; shared interfaces cannot raise events across processes. Use a shared queue instead.");
        }

        foreach (MethodInfo method in GetMethods(contract))
        {
            string where = $"{contract.FullName}.{method.Name}";
            if (method.IsGenericMethodDefinition)
            {
                throw new ArgumentException($"{where} is a generic method; shared interfaces need concrete parameter types.");
            }

            foreach (ParameterInfo parameter in method.GetParameters())
            {
                Type type = parameter.ParameterType;
                if (type.IsByRef)
                {
                    throw new ArgumentException($"{where}: parameter '{parameter.Name}' is ref/out/in; return the value instead (a tuple or record for several).");
                }

                RejectUnsendable(type, $"{where}: parameter '{parameter.Name}'");
            }

            if (method.ReturnType.IsByRef)
            {
                throw new ArgumentException($"{where} returns by reference; return a value instead.");
            }

            RejectUnsendable(UnwrapAwaitable(method.ReturnType), $"{where}: return type");
        }
    }

    /// <summary>Returns T for Task&lt;T&gt;/ValueTask&lt;T&gt;, void for Task/ValueTask, the type itself otherwise.</summary>
    public static Type UnwrapAwaitable(Type type)
    {
        if (type == typeof(Task) || type == typeof(ValueTask))
        {
            return typeof(void);
        }

        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>)))
        {
            return type.GetGenericArguments()[0];
        }

        return type;
    }

    private static void RejectUnsendable(Type type, string where)
    {
        if (type.IsByRefLike || type.IsPointer)
        {
            throw new ArgumentException($"{where} is {type.Name}, which cannot leave the process; use an array or ReadOnlyMemory<T>.");
        }

        if (typeof(Delegate).IsAssignableFrom(type) || typeof(MemberInfo).IsAssignableFrom(type) || type == typeof(IntPtr) || type == typeof(UIntPtr))
        {
            throw new ArgumentException($"{where} is {type.Name}, which cannot be sent to another process.");
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>))
        {
            throw new ArgumentException($"{where} is IAsyncEnumerable<T>, which is not supported; return an array or use a shared queue.");
        }

        if (type == typeof(Task) || type == typeof(ValueTask) || (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(Task<>) || type.GetGenericTypeDefinition() == typeof(ValueTask<>))))
        {
            throw new ArgumentException($"{where} is a nested task, which cannot be sent to another process.");
        }
    }
}
