using System.Reflection;

namespace Multiproc.Python;

/// <summary>
/// The names a registered contract exposes to Python clients, and the C# member behind each: its
/// public instance methods under <see cref="PythonNames.Of"/>, a readable property <c>Salary</c> as
/// <c>get_salary</c> and a writable one also as <c>set_salary</c>. Never <see cref="object"/>'s members.
/// </summary>
/// <remarks>
/// Overloads may share a Python name when their parameter counts differ (a Python call is matched
/// by its argument count first). Two members that would answer the same name with the same count
/// (a <c>GetSalary()</c> method and a <c>Salary</c> property; <c>Add(int)</c> and <c>Add(string)</c>)
/// are refused when the type is registered, so a Python call never reaches a member it did not mean.
/// A parameter the server supplies (a <see cref="CancellationToken"/>, the caller's identity) is not an argument
/// Python sends, so it counts for neither.
/// </remarks>
internal sealed class PythonExposure
{
    private readonly Dictionary<string, MethodInfo[]> _members;
    private readonly Func<Type, bool> _supplied;

    private PythonExposure(Dictionary<string, MethodInfo[]> members, Func<Type, bool> supplied)
    {
        _members = members;
        _supplied = supplied;
    }

    /// <summary>Gets the exposed names, sorted (what a <c>create</c> reply lists).</summary>
    public IReadOnlyList<string> Names => [.. _members.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The exposure of a registered type: its contract's members (what a Python <c>create</c> of its type id exposes).</summary>
    /// <exception cref="ArgumentException">Two members map to one Python name with the same parameter count (the message names both).</exception>
    /// <param name="registration">The registered type.</param>
    /// <param name="supplied">Parameter types the server fills in besides <see cref="CancellationToken"/>.</param>
    public static PythonExposure Of(Registration registration, Func<Type, bool>? supplied = null)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return Of(registration.Contract, supplied);
    }

    /// <summary>The exposure of <paramref name="contract"/> (an interface, or a class registered as itself).</summary>
    /// <exception cref="ArgumentException">Two members map to one Python name with the same parameter count (the message names both).</exception>
    /// <param name="contract">The contract.</param>
    /// <param name="supplied">Parameter types the server fills in besides <see cref="CancellationToken"/>.</param>
    public static PythonExposure Of(Type contract, Func<Type, bool>? supplied = null)
    {
        ArgumentNullException.ThrowIfNull(contract);
        Func<Type, bool> isSupplied = type => type == typeof(CancellationToken) || (supplied?.Invoke(type) ?? false);
        var members = new Dictionary<string, List<MethodInfo>>(StringComparer.Ordinal);
        foreach (MethodInfo method in PublicInstanceMethods(contract))
        {
            Add(members, PythonNameOf(method), method, isSupplied);
        }

        return new PythonExposure(members.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray(), StringComparer.Ordinal), isSupplied);
    }

    /// <summary>Whether the server fills in a parameter of <paramref name="type"/> (Python never sends it).</summary>
    public bool IsSupplied(Type type) => _supplied(type);

    /// <summary>The C# method a Python call of <paramref name="name"/> with <paramref name="argumentCount"/> arguments reaches.</summary>
    public bool TryFind(string name, int argumentCount, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MethodInfo? method)
    {
        method = _members.TryGetValue(name, out MethodInfo[]? overloads)
            ? Array.Find(overloads, overload => ArityOf(overload, _supplied) == argumentCount)
            : null;
        return method is not null;
    }

    private static IEnumerable<MethodInfo> PublicInstanceMethods(Type contract)
    {
        IEnumerable<Type> types = contract.IsInterface ? [contract, .. contract.GetInterfaces()] : [contract];
        return types
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(method => method.DeclaringType != typeof(object) && !IsEventAccessor(method))
            .Distinct();
    }

    private static bool IsEventAccessor(MethodInfo method)
        => method.IsSpecialName && (method.Name.StartsWith("add_", StringComparison.Ordinal) || method.Name.StartsWith("remove_", StringComparison.Ordinal));

    /// <summary>A property accessor <c>get_Salary</c>/<c>set_Salary</c> becomes <c>get_salary</c>/<c>set_salary</c>; a method its snake-cased name.</summary>
    private static string PythonNameOf(MethodInfo method)
    {
        bool accessor = method.IsSpecialName && method.Name.Length > 4 && method.Name[3] == '_'
            && (method.Name.StartsWith("get", StringComparison.Ordinal) || method.Name.StartsWith("set", StringComparison.Ordinal));
        if (accessor)
        {
            return method.Name[..3] + "_" + PythonNames.ToSnakeCase(method.Name[4..]);
        }

        return PythonNames.Of(method.Name);
    }

    /// <summary>How many arguments a Python call of <paramref name="method"/> sends.</summary>
    private static int ArityOf(MethodInfo method, Func<Type, bool> supplied) => method.GetParameters().Count(p => !supplied(p.ParameterType));

    private static void Add(Dictionary<string, List<MethodInfo>> members, string name, MethodInfo method, Func<Type, bool> supplied)
    {
        if (!members.TryGetValue(name, out List<MethodInfo>? overloads))
        {
            members[name] = [method];
            return;
        }

        int count = ArityOf(method, supplied);
        if (overloads.Find(other => ArityOf(other, supplied) == count) is { } clash)
        {
            throw new ArgumentException(
                $"{method.DeclaringType?.Name}.{method.Name} and {clash.DeclaringType?.Name}.{clash.Name} would both be '{name}' with {count} argument(s) to Python clients; rename one, or give them different parameter counts.");
        }

        overloads.Add(method);
    }
}
