using System.Reflection;
using System.Runtime.CompilerServices;
using MessagePack;

namespace Multiproc.Processes;

/// <summary>
/// A worker target validated in the parent: a static method, or an instance method on an
/// object without state (such as a non-capturing lambda), that another process can find again.
/// </summary>
/// <remarks>
/// The identity sent to the child is the declaring type's assembly-qualified name plus the
/// method's metadata token (exact even for overloads and lambdas), plus the type arguments of a
/// generic method. The child loads the type by name, so the target's assembly must be one the
/// application loads by name (listed in its deps file), not a dynamic or plug-in assembly.
/// </remarks>
internal sealed class TargetMethod
{
    private const BindingFlags DeclaredMembers =
        BindingFlags.DeclaredOnly | BindingFlags.Static | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private TargetMethod(MethodInfo method)
    {
        Method = method;
        Parameters = method.GetParameters();
        DisplayName = Describe(method);
    }

    /// <summary>Gets the method the worker runs.</summary>
    public MethodInfo Method { get; }

    /// <summary>Gets the method's parameters, whose declared types encode the arguments.</summary>
    public ParameterInfo[] Parameters { get; }

    /// <summary>Gets a readable name such as <c>Program.Work</c> or <c>a lambda in Program.Main</c>.</summary>
    public string DisplayName { get; }

    /// <summary>Validates <paramref name="target"/> as a worker target.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="target"/> is null.</exception>
    /// <exception cref="ArgumentException">The target carries state or cannot be found by another process; the message says why.</exception>
    public static TargetMethod FromDelegate(Delegate target, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(target, parameterName);
        if (!target.HasSingleTarget)
        {
            throw new ArgumentException("A worker target must be a single method, not a multicast delegate.", parameterName);
        }

        MethodInfo method = target.Method;
        if (method.DeclaringType is null || method.Module.Assembly.IsDynamic)
        {
            throw new ArgumentException(
                $"The worker target {method.Name} is a dynamic method; another process cannot find it. Use a static method.",
                parameterName);
        }

        if (!method.IsStatic && target.Target is null)
        {
            throw new ArgumentException($"The worker target {Describe(method)} is an open instance delegate; use a static method.", parameterName);
        }

        if (target.Target is { } instance)
        {
            RejectState(method, instance.GetType(), parameterName);
        }

        foreach (ParameterInfo parameter in method.GetParameters())
        {
            if (parameter.ParameterType.IsByRef || parameter.ParameterType.IsPointer)
            {
                throw new ArgumentException(
                    $"Parameter '{parameter.Name}' of the worker target {Describe(method)} is passed by reference or pointer; " +
                    "arguments are copied to another process.",
                    parameterName);
            }
        }

        return new TargetMethod(method);
    }

    /// <summary>Describes a method for messages: <c>Type.Method</c>, or which member a lambda is in.</summary>
    public static string Describe(MethodInfo method)
    {
        Type? type = method.DeclaringType;
        if (type is null)
        {
            return method.Name;
        }

        while (type.DeclaringType is not null && type.Name.StartsWith('<'))
        {
            type = type.DeclaringType;
        }

        string name = method.Name;
        int close = name.IndexOf('>', StringComparison.Ordinal);
        if (name.StartsWith('<') && close > 1)
        {
            string outer = name[1..close];
            int bar = name.IndexOf('|', StringComparison.Ordinal);
            return name.Length > close + 2 && name[close + 1] == 'g' && bar > close
                ? $"local function {name[(close + 4)..bar]} in {type.Name}.{outer}"
                : $"a lambda in {type.Name}.{outer}";
        }

        return $"{type.Name}.{name}";
    }

    /// <summary>Writes the identity the child resolves with <see cref="ReadIdentity"/>.</summary>
    public void WriteIdentity(ref MessagePackWriter writer)
    {
        Type[] typeArguments = Method.IsGenericMethod ? Method.GetGenericArguments() : Type.EmptyTypes;
        writer.WriteArrayHeader(2 + typeArguments.Length);
        writer.Write(Method.DeclaringType!.AssemblyQualifiedName);
        writer.Write(Method.MetadataToken);
        foreach (Type typeArgument in typeArguments)
        {
            writer.Write(typeArgument.AssemblyQualifiedName);
        }
    }

    /// <summary>Encodes the identity as a standalone MessagePack value.</summary>
    public byte[] EncodeIdentity()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        var writer = new MessagePackWriter(buffer);
        WriteIdentity(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Resolves an identity encoded by <see cref="EncodeIdentity"/>.</summary>
    public static MethodInfo DecodeIdentity(ReadOnlyMemory<byte> identity)
    {
        var reader = new MessagePackReader(identity);
        return ReadIdentity(ref reader);
    }

    /// <summary>Resolves an identity written by <see cref="WriteIdentity"/> in this process.</summary>
    /// <exception cref="TypeLoadException">The type or method cannot be found.</exception>
    public static MethodInfo ReadIdentity(ref MessagePackReader reader)
    {
        int count = reader.ReadArrayHeader();
        string typeName = reader.ReadString() ?? throw new InvalidDataException("Missing target type.");
        int token = reader.ReadInt32();
        var typeArguments = new Type[count - 2];
        for (int i = 0; i < typeArguments.Length; i++)
        {
            typeArguments[i] = Type.GetType(reader.ReadString()!, throwOnError: true)!;
        }

        Type type = Type.GetType(typeName, throwOnError: true)!;
        foreach (MethodInfo candidate in type.GetMethods(DeclaredMembers))
        {
            if (candidate.MetadataToken == token)
            {
                return typeArguments.Length == 0 ? candidate : candidate.MakeGenericMethod(typeArguments);
            }
        }

        throw new TypeLoadException($"The worker target method (token 0x{token:x8}) is not in {type}; parent and worker run different builds.");
    }

    /// <summary>Creates the object an instance target runs on: the lambda cache singleton, or a fresh stateless instance.</summary>
    public static object? CreateInstance(MethodInfo method)
    {
        if (method.IsStatic)
        {
            return null;
        }

        Type type = method.DeclaringType!;
        FieldInfo? singleton = type.GetField("<>9", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic);
        if (singleton is not null && singleton.FieldType == type)
        {
            return singleton.GetValue(null);
        }

        ConstructorInfo? constructor = type.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, Type.EmptyTypes);
        return constructor is null ? RuntimeHelpers.GetUninitializedObject(type) : constructor.Invoke(null);
    }

    private static void RejectState(MethodInfo method, Type instanceType, string parameterName)
    {
        var fields = new List<FieldInfo>();
        for (Type? type = instanceType; type is not null && type != typeof(object); type = type.BaseType)
        {
            fields.AddRange(type.GetFields(BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic));
        }

        if (fields.Count == 0)
        {
            return;
        }

        string fieldNames = string.Join(", ", fields.Select(f => $"'{f.Name}'"));
        string why = IsClosure(instanceType)
            ? "captures " + string.Join(", ", fields.SelectMany(DescribeCapture).Distinct())
            : method.Name.StartsWith('<')
                ? $"captures 'this' (an instance of {instanceType.Name}, which has the field(s) {fieldNames})"
                : $"is an instance method of {instanceType.Name}, which has the field(s) {fieldNames}";
        throw new ArgumentException(
            $"The worker target {Describe(method)} {why}. A worker runs in another process, so its target must be a " +
            "static method or a lambda that captures nothing; pass the value as an argument instead.",
            parameterName);
    }

    private static bool IsClosure(Type type) => type.Name.Contains("DisplayClass", StringComparison.Ordinal);

    private static IEnumerable<string> DescribeCapture(FieldInfo field)
    {
        if (field.Name.StartsWith("<>", StringComparison.Ordinal) && field.Name.EndsWith("__this", StringComparison.Ordinal))
        {
            return [$"'this' (an instance of {field.FieldType.Name})"];
        }

        // A lambda nested in another scope holds that scope's closure in a field named CS$<>8__localsN.
        if (field.Name.StartsWith("CS$<>", StringComparison.Ordinal) && IsClosure(field.FieldType))
        {
            return field.FieldType
                .GetFields(BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .SelectMany(DescribeCapture);
        }

        return [$"the variable '{field.Name}'"];
    }
}
