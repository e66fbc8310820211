namespace ParityNet;

/// <summary>How to train. Validated before any work by <see cref="Validate"/>.</summary>
public sealed record TrainingOptions
{
    /// <summary>The default learning rate.</summary>
    public const double DefaultAlpha = 0.5;

    /// <summary>The default number of epochs.</summary>
    public const int DefaultEpochs = 1000;

    /// <summary>The learning rate; positive and finite.</summary>
    public double Alpha { get; init; } = DefaultAlpha;

    /// <summary>The most epochs (full passes over the data) to run.</summary>
    public int Epochs { get; init; } = DefaultEpochs;

    /// <summary>Stop as soon as the accuracy (0 to 1) reaches this.</summary>
    public double? TargetAccuracy { get; init; }

    /// <summary>Stop as soon as the mean squared error falls to this.</summary>
    public double? TargetLoss { get; init; }

    /// <summary>How often at most progress is reported.</summary>
    public TimeSpan ReportInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Throws a <see cref="ParityNetException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (!(Alpha > 0) || !double.IsFinite(Alpha))
            throw new ParityNetException(ErrorIds.InvalidAlpha, ParityErrorKind.InvalidArgument,
                $"Alpha {Alpha} is not a positive finite learning rate. Give -Alpha a number above 0, such as {DefaultAlpha}.", Alpha);
        if (Epochs < 1)
            throw new ParityNetException(ErrorIds.InvalidEpochs, ParityErrorKind.InvalidArgument,
                $"Epochs {Epochs} is not positive. Give -Epochs a whole number of at least 1, such as {DefaultEpochs}.", Epochs);
        if (TargetAccuracy is double a && !(a > 0 && a <= 1))
            throw new ParityNetException(ErrorIds.InvalidTarget, ParityErrorKind.InvalidArgument,
                $"TargetAccuracy {a} is outside (0, 1]. Give a fraction such as 1 (every input right) or 0.95.", a);
        if (TargetLoss is double l && !(l >= 0 && double.IsFinite(l)))
            throw new ParityNetException(ErrorIds.InvalidTarget, ParityErrorKind.InvalidArgument,
                $"TargetLoss {l} is not a finite number ≥ 0. Give a loss such as 0.01.", l);
    }
}

/// <summary>A snapshot of a running training, reported a few times a second at most.</summary>
/// <param name="Epoch">Epochs finished so far.</param>
/// <param name="Epochs">The most epochs the run will take.</param>
/// <param name="Loss">The mean squared error at the last finished epoch.</param>
/// <param name="Accuracy">The accuracy at the last finished epoch.</param>
/// <param name="Elapsed">Wall time so far.</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, double Loss, double Accuracy, TimeSpan Elapsed);
