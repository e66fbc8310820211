using System.Management.Automation;

namespace ParityNet.Commands;

/// <summary>Bounds the text a picture shows. A title or label is drawn on one line of a picture a few thousand
/// pixels wide at most, so anything past <see cref="MaxPictureText"/> characters cannot be seen; measuring and
/// laying out a million characters took the chart 100 s. Longer text is cut with an ellipsis, with a warning.</summary>
internal static class TextLimits
{
    /// <summary>The longest title or label drawn.</summary>
    public const int MaxPictureText = 200;

    public static string? Picture(Cmdlet cmdlet, string? text, string what)
    {
        if (text is null || text.Length <= MaxPictureText) return text;
        cmdlet.WriteWarning($"{what} has {text.Length} characters; a picture shows at most {MaxPictureText}, so it is cut to its first {MaxPictureText - 1} and '…'.");
        int end = MaxPictureText - 1;
        if (char.IsHighSurrogate(text[end - 1])) end--;
        return text[..end] + "…";
    }
}
