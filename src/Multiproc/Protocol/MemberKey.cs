using System.Reflection;
using System.Text;

namespace Multiproc.Protocol;

/// <summary>
/// The name a method travels under: <c>Name(Type1,Type2)</c>, identical on both sides for the same interface.
/// </summary>
/// <remarks>
/// Typed proxies always send the full key, so overloads are exact. Untyped calls send only the
/// method name and the server picks among the overloads with that many arguments.
/// </remarks>
internal static class MemberKey
{
    public static string For(MethodInfo method)
    {
        var key = new StringBuilder(method.Name).Append('(');
        ParameterInfo[] parameters = method.GetParameters();
        for (int i = 0; i < parameters.Length; i++)
        {
            if (i > 0)
            {
                key.Append(',');
            }

            AppendType(key, parameters[i].ParameterType);
        }

        return key.Append(')').ToString();
    }

    private static void AppendType(StringBuilder key, Type type)
    {
        if (!type.IsGenericType)
        {
            key.Append(type.Name);
            return;
        }

        key.Append(type.Name).Append('[');
        Type[] arguments = type.GetGenericArguments();
        for (int i = 0; i < arguments.Length; i++)
        {
            if (i > 0)
            {
                key.Append(',');
            }

            AppendType(key, arguments[i]);
        }

        key.Append(']');
    }
}
