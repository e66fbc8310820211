using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ParityNet.Tests;

/// <summary>
/// What this process's runtime lets the engine use, and the attributes that skip a test, saying why, where a kernel it
/// checks does not serve. A test of a 512-bit kernel on a machine without it would otherwise "pass" having checked nothing.
/// build.ps1 Test runs the pinned runs again with the runtime's switches (DOTNET_EnableAVX512=0, then DOTNET_EnableAVX2=0,
/// then DOTNET_EnableAVX=0); which engine paths serve in each is said in docs and in build.ps1.
/// </summary>
public static class InstructionSets
{
    /// <summary>The sets the engine tests for, in one line: "Vector512=True Vector256=True Avx=True Fma=True".</summary>
    public static string Describe() =>
        $"Vector512={Vector512.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Avx={Avx.IsSupported} Fma={Fma.IsSupported}";

    public const string NoVector512 = "Vector512 is not accelerated in this process (no AVX-512, or DOTNET_EnableAVX512=0): the 512-bit block kernel does not serve, and the general path it must equal is what runs; PinnedBitsTests hold whole runs to the same bits";
    public const string NoFma = "FMA is not available in this process (no FMA, or DOTNET_EnableAVX2=0): the vector form of the log does not serve; the scalar form is checked by its own test";
}

/// <summary>A theory that is skipped, saying why, where 512-bit vectors are not accelerated.</summary>
public sealed class Vector512TheoryAttribute : TheoryAttribute
{
    public Vector512TheoryAttribute() { if (!Vector512.IsHardwareAccelerated) Skip = InstructionSets.NoVector512; }
}

/// <summary>A fact that is skipped, saying why, where 512-bit vectors are not accelerated.</summary>
public sealed class Vector512FactAttribute : FactAttribute
{
    public Vector512FactAttribute() { if (!Vector512.IsHardwareAccelerated) Skip = InstructionSets.NoVector512; }
}

/// <summary>A fact that is skipped, saying why, where FMA is not available.</summary>
public sealed class FmaFactAttribute : FactAttribute
{
    public FmaFactAttribute() { if (!Fma.IsSupported) Skip = InstructionSets.NoFma; }
}

/// <summary>A fact that runs only where build.ps1 switched instruction sets off, and says so where it did not.</summary>
public sealed class SwitchedRunFactAttribute : FactAttribute
{
    public const string Variable = "PARITYNET_EXPECT_ISA";

    public SwitchedRunFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)))
            Skip = $"No instruction set was switched off in this run ({Variable} unset): build.ps1 Test's switched runs check that their switches took";
    }
}

/// <summary>
/// The switched runs' proof that the switch took: build.ps1 sets PARITYNET_EXPECT_ISA to the line
/// <see cref="InstructionSets.Describe"/> must give under its switches, and this fails if the runtime ignored one
/// (as .NET 10 ignores DOTNET_EnableAVX512F).
/// </summary>
public class InstructionSetTests
{
    [SwitchedRunFact]
    public void TheRunsSwitches_TookEffect() =>
        Assert.Equal(Environment.GetEnvironmentVariable(SwitchedRunFactAttribute.Variable), InstructionSets.Describe());
}
