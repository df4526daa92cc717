using System.Globalization;
using System.Text;
using CsCheck;
using Xunit.Abstractions;

namespace Multiproc.Tests.Hardening;

/// <summary>
/// Runs a fuzz target: a seeded, reproducible number of cases in CI, or minutes of fresh cases in long mode.
/// </summary>
/// <remarks>
/// <para>Cases come from one CsCheck <see cref="PCG"/> stream, so a run is the same inputs every time for the same
/// seed. Each case's own CsCheck seed is reported on failure; that seed regenerates the case alone (CsCheck's
/// <c>Sample(seed: ...)</c>, or <c>MULTIPROC_FUZZ_CASE</c>) and CsCheck then shrinks it for a few seconds.</para>
/// <para>Environment: <c>MULTIPROC_FUZZ_MINUTES</c> runs each target that long with a random run seed (printed);
/// <c>MULTIPROC_FUZZ_SEED</c> (decimal) fixes the run seed; <c>MULTIPROC_FUZZ_CASE</c> replays one case seed.</para>
/// </remarks>
internal static class FuzzRunner
{
    private const ulong DefaultRunSeed = 20_261_130;
    private const int ShrinkSeconds = 5;

    /// <summary>How long a CI-mode target may take before it counts as hung (long mode adds its minutes).</summary>
    private static readonly TimeSpan s_budget = TimeSpan.FromMinutes(3);

    /// <summary>Gets the long-mode duration, or null in CI mode.</summary>
    public static TimeSpan? LongMode
        => double.TryParse(Environment.GetEnvironmentVariable("MULTIPROC_FUZZ_MINUTES"), NumberStyles.Float, CultureInfo.InvariantCulture, out double minutes) && minutes > 0
            ? TimeSpan.FromMinutes(minutes)
            : null;

    /// <summary>Runs <paramref name="check"/> on generated cases; <paramref name="afterBatch"/> checks the shared invariants every <paramref name="batchSize"/> cases.</summary>
    /// <returns>The number of cases run.</returns>
    public static async Task<int> RunAsync<T>(
        string target,
        Gen<T> gen,
        int cases,
        Func<T, Task> check,
        ITestOutputHelper output,
        Func<Task>? afterBatch = null,
        int batchSize = 25,
        Func<T, string>? print = null)
    {
        print ??= value => Check.Print(value);
        if (Environment.GetEnvironmentVariable("MULTIPROC_FUZZ_CASE") is { Length: > 0 } replay)
        {
            await RunCaseAsync(target, gen, check, print, PCG.Parse(replay), "replay", 0).ConfigureAwait(false);
            if (afterBatch is not null)
            {
                await afterBatch().ConfigureAwait(false);
            }

            return 1;
        }

        TimeSpan? longMode = LongMode;
        ulong runSeed = ulong.TryParse(Environment.GetEnvironmentVariable("MULTIPROC_FUZZ_SEED"), CultureInfo.InvariantCulture, out ulong fixedSeed)
            ? fixedSeed
            : longMode is null ? DefaultRunSeed : (ulong)Random.Shared.NextInt64();
        var pcg = new PCG(StableStream(target), runSeed);
        string run = string.Create(CultureInfo.InvariantCulture, $"MULTIPROC_FUZZ_SEED={runSeed}");
        output.WriteLine($"{target}: {run}, {(longMode is { } span ? $"long mode {span.TotalMinutes} min" : $"{cases} cases")}");

        // The test's own timeout: a hung case fails the test with its seed instead of stalling the suite.
        var progress = new FuzzProgress();
        Task<int> loop = RunLoopAsync(target, gen, cases, check, output, afterBatch, batchSize, print, longMode, pcg, run, progress);
        try
        {
            return await loop.WaitAsync(s_budget + (longMode ?? TimeSpan.Zero)).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new FuzzFailureException(
                $"Fuzz target '{target}' hung at case {progress.Index} ({run}); replay it with MULTIPROC_FUZZ_CASE={progress.CaseSeed}.", ex);
        }
    }

    private static async Task<int> RunLoopAsync<T>(
        string target, Gen<T> gen, int cases, Func<T, Task> check, ITestOutputHelper output, Func<Task>? afterBatch, int batchSize,
        Func<T, string> print, TimeSpan? longMode, PCG pcg, string run, FuzzProgress progress)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int index = 0;
        int batchStart = 0;
        string batchFirstSeed = pcg.ToString();
        while (longMode is { } limit ? clock.Elapsed < limit : index < cases)
        {
            if (index == batchStart)
            {
                batchFirstSeed = pcg.ToString();
            }

            progress.Index = index;
            progress.CaseSeed = pcg.ToString();
            await RunCaseAsync(target, gen, check, print, pcg, run, index).ConfigureAwait(false);
            index++;
            if (afterBatch is not null && (index - batchStart == batchSize))
            {
                await CheckBatchAsync(target, afterBatch, run, batchStart, index, batchFirstSeed).ConfigureAwait(false);
                batchStart = index;
            }
        }

        if (afterBatch is not null && index > batchStart)
        {
            await CheckBatchAsync(target, afterBatch, run, batchStart, index, batchFirstSeed).ConfigureAwait(false);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{target}: {index} cases passed in {clock.Elapsed.TotalSeconds:0.0} s"));
        return index;
    }

    private static async Task RunCaseAsync<T>(string target, Gen<T> gen, Func<T, Task> check, Func<T, string> print, PCG pcg, string run, int index)
    {
        string caseSeed = pcg.ToString();
        T value = gen.Generate(pcg, null, out _);
        try
        {
            await check(value).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any failure is the finding: it is reported with its seed below.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            string shrunk = await ShrinkAsync(gen, check, print, caseSeed).ConfigureAwait(false);
            throw new FuzzFailureException(new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"Fuzz target '{target}' failed at case {index} ({run}).")
                .AppendLine(CultureInfo.InvariantCulture, $"Replay this case: MULTIPROC_FUZZ_CASE={caseSeed}  (or CsCheck: gen.SampleAsync(check, seed: \"{caseSeed}\", iter: 1)).")
                .AppendLine(CultureInfo.InvariantCulture, $"Input: {Truncate(print(value))}")
                .AppendLine(shrunk)
                .ToString(), ex);
        }
    }

    private static async Task CheckBatchAsync(string target, Func<Task> afterBatch, string run, int first, int end, string firstSeed)
    {
        try
        {
            await afterBatch().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Reported with the batch's seeds.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            throw new FuzzFailureException(
                $"Fuzz target '{target}': the shared invariants broke after cases {first}..{end - 1} ({run}); the batch starts at case seed {firstSeed}.", ex);
        }
    }

    /// <summary>Lets CsCheck look for a smaller failing case for a few seconds, starting from the failing seed.</summary>
    private static async Task<string> ShrinkAsync<T>(Gen<T> gen, Func<T, Task> check, Func<T, string> print, string caseSeed)
    {
        try
        {
            await gen.SampleAsync(check, seed: caseSeed, time: ShrinkSeconds, threads: 1, print: value => Truncate(print(value))).ConfigureAwait(false);
            return "CsCheck could not reproduce the failure from its seed alone (it may depend on earlier cases).";
        }
        catch (CsCheckException shrunk)
        {
            return "CsCheck shrank it: " + shrunk.Message;
        }
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : string.Concat(text.AsSpan(0, 2000), "...");

    /// <summary>A PCG stream per target name that is the same in every process (string.GetHashCode is not).</summary>
    private static uint StableStream(string target)
    {
        uint hash = 2_166_136_261;
        foreach (char c in target)
        {
            hash = (hash ^ c) * 16_777_619;
        }

        return hash & 0x3FFF_FFFF;
    }
}
