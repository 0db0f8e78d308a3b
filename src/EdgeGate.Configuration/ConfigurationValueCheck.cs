using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace EdgeGate.Configuration;

/// <summary>
/// Checks every key and value of a section against the options type it binds to, before binding:
/// an unknown key or a value that does not convert (<c>"Kind": "Z2M"</c>, <c>"PulseLength": "3s"</c>)
/// is reported with its key, the value and what is accepted (for an enum, its names). The binder
/// would instead fail the whole section with .NET's own text and leave it empty, which made
/// everything that refers to it fail too (a door list emptied by one bad door gave "no door named …"
/// for every camera and reader). Bad entries are left out of <see cref="Checked"/>, so the rest
/// binds as usual.
/// </summary>
internal sealed class ConfigurationValueCheck
{
    private readonly List<string> errors = [];
    private readonly List<string> unreadable = [];
    private readonly HashSet<string> leftOut = new(StringComparer.OrdinalIgnoreCase);

    private ConfigurationValueCheck()
    {
    }

    /// <summary>One line per problem, "Key: reason".</summary>
    public IReadOnlyList<string> Errors => errors;

    /// <summary>
    /// The objects holding a value that could not be read (e.g. <c>Doors:0</c> for a bad <c>Doors:0:Kind</c>):
    /// their other checks ran on a default in its place, so what they report is not trusted.
    /// </summary>
    public IReadOnlyList<string> ObjectsWithUnreadableValues => unreadable;

    /// <summary>The configuration without the keys reported.</summary>
    public IConfiguration Checked { get; private set; } = null!;

    /// <summary>Checks the sections named in <paramref name="sections"/> against their types.</summary>
    public static ConfigurationValueCheck Run(IConfiguration configuration, IReadOnlyDictionary<string, Type> sections)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var check = new ConfigurationValueCheck();
        foreach (var section in configuration.GetChildren())
        {
            if (sections.FirstOrDefault(pair => string.Equals(pair.Key, section.Key, StringComparison.OrdinalIgnoreCase)) is { Value: { } type })
            {
                check.Walk(section, type, section.Key);
            }
        }
        check.Checked = check.leftOut.Count == 0
            ? configuration
            : new ConfigurationBuilder()
                .AddInMemoryCollection(configuration.AsEnumerable().Where(pair => !check.IsLeftOut(pair.Key)))
                .Build();
        return check;
    }

    private bool IsLeftOut(string key)
    {
        for (var path = key; path.Length > 0; path = ConfigurationPath.GetParentPath(path) ?? "")
        {
            if (leftOut.Contains(path))
            {
                return true;
            }
        }
        return false;
    }

    private void Walk(IConfigurationSection section, Type type, string path)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (ElementType(target) is { } element)
        {
            foreach (var child in section.GetChildren())
            {
                Walk(child, element, child.Path);
            }
            return;
        }
        var children = section.GetChildren().ToList();
        if (IsValue(target))
        {
            if (children.Count > 0)
            {
                Refuse(path, $"{path}: must be a single value ({Accepted(target)}), not a section");
                return;
            }
            CheckValue(section.Value, type, target, path);
            return;
        }
        if (children.Count == 0 && !string.IsNullOrEmpty(section.Value))
        {
            Refuse(path, $"{path}: must be a section with keys ({string.Join(", ", Properties(target).Select(property => property.Name))}), not the value '{section.Value}'");
            return;
        }
        var properties = Properties(target);
        foreach (var child in children)
        {
            var property = properties.FirstOrDefault(candidate => string.Equals(candidate.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                errors.Add($"{child.Path}: unknown key (expected one of {string.Join(", ", properties.Select(known => known.Name))})");
                leftOut.Add(child.Path);
                continue;
            }
            Walk(child, property.PropertyType, child.Path);
        }
    }

    private void CheckValue(string? value, Type declared, Type target, string path)
    {
        // An empty value leaves a nullable or text setting unset, as the binder does.
        if (string.IsNullOrEmpty(value) && (target == typeof(string) || declared != target))
        {
            return;
        }
        if (target.IsEnum)
        {
            var names = Enum.GetNames(target);
            if (!names.Any(name => string.Equals(name, value?.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                Unreadable(path, $"{path}: '{value}' is not a valid value; use one of {string.Join(", ", names)}");
            }
            return;
        }
        try
        {
            TypeDescriptor.GetConverter(target).ConvertFromInvariantString(value ?? "");
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException or OverflowException or NotSupportedException
            || exception.InnerException is FormatException or OverflowException)
        {
            Unreadable(path, $"{path}: '{value}' is not {Accepted(target)}");
        }
    }

    private void Unreadable(string path, string error)
    {
        Refuse(path, error);
        unreadable.Add(ConfigurationPath.GetParentPath(path) ?? path);
    }

    private void Refuse(string path, string error)
    {
        errors.Add(error);
        leftOut.Add(path);
    }

    private static string Accepted(Type type) => type switch
    {
        _ when type == typeof(TimeSpan) => "a duration like 00:00:03 (hh:mm:ss)",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) => "a whole number",
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => "a number like 0.5",
        _ when type.IsEnum => $"one of {string.Join(", ", Enum.GetNames(type))}",
        _ => $"a {type.Name} value",
    };

    /// <summary>Whether a setting of this type is a single value (not a section).</summary>
    internal static bool IsValue(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
        || type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(Uri);

    /// <summary>The element type of an array or list setting, or null.</summary>
    internal static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(List<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(IEnumerable<>)))
        {
            return type.GetGenericArguments()[0];
        }
        return null;
    }

    /// <summary>The keys a section of this type accepts (also those <see cref="ConfigurationReference"/> documents).</summary>
    internal static PropertyInfo[] Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(property => property.CanWrite).ToArray();
}
