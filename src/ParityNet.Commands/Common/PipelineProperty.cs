using System.Collections;
using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>A named value of a pipeline object, as binding by property name would find it: a property of any object
/// (a CSV row, a PSCustomObject, a .NET object) or a key of a dictionary. Strings, numbers and other collections have none.</summary>
internal static class PipelineProperty
{
    public static bool TryGet(object? input, string name, out object? value)
    {
        value = null;
        object? target = input is PSObject pso ? pso.BaseObject : input;
        switch (target)
        {
            case null or string or ValueType or IEnumerable and not IDictionary:
                return false;
            case IDictionary dictionary:
                if (!dictionary.Contains(name)) return false;
                value = dictionary[name];
                return true;
            default:
                var property = PSObject.AsPSObject(input!).Properties[name];
                if (property is null) return false;
                value = property.Value;
                return true;
        }
    }
}
