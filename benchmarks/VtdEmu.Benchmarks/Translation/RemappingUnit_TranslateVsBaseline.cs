using BenchmarkDotNet.Attributes;
using VtdEmu.Benchmarks.Baseline;
using VtdEmu.Translation;

namespace VtdEmu.Benchmarks.Translation;

/// <summary>
/// The translate path against the no-model baseline (<see cref="BaselineTranslator"/>) on the same
/// tables and address sequence, per case of <see cref="TranslateCase"/> (issue 11). Each method
/// translates <see cref="TranslateWorkload.Length"/> addresses and sums the outputs, so every row is
/// the cost of one translation and the Ratio column is the headline. The two Floor rows
/// (<see cref="FloorTranslator"/>) are the least the model's contract costs, per request and per batch.
/// </summary>
[BenchmarkCategory(Categories.Translation)]
public class RemappingUnit_TranslateVsBaseline
{
    private TranslateWorkload _workload = null!;
    private ulong[] _iovas = null!;
    private RemappingUnit _unit = null!;
    private BaselineTranslator _baseline = null!;
    private FloorTranslator _floor = null!;
    private ulong[] _outputs = null!;
    private DmaPort _port = null!;
    private TranslationResult[] _results = null!;

    [Params(TranslateCase.Hits48, TranslateCase.Random256, TranslateCase.Random1GiB, TranslateCase.Random1GiB2MiB, TranslateCase.FourLevelPscWarm)]
    public TranslateCase Case { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _workload = new TranslateWorkload(Case);
        _iovas = _workload.Iovas;
        _unit = _workload.Unit;
        _baseline = _workload.Baseline;
        _floor = _workload.Floor;
        _outputs = new ulong[_iovas.Length];
        _port = _unit.OpenPort(TranslateWorkload.Sid);
        _results = new TranslationResult[_iovas.Length];
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = TranslateWorkload.Length)]
    public ulong Baseline()
    {
        ulong sum = 0;
        foreach (ulong iova in _iovas)
        {
            sum += _baseline.Translate(iova, 1);
        }

        return sum;
    }

    /// <summary>The contract's floor, one request at a time.</summary>
    [Benchmark(OperationsPerInvoke = TranslateWorkload.Length)]
    public ulong Floor()
    {
        ulong sum = 0;
        foreach (ulong iova in _iovas)
        {
            sum += _floor.Translate(TranslateWorkload.Sid, iova, 1);
        }

        return sum;
    }

    /// <summary>The contract's floor for a batch from one source.</summary>
    [Benchmark(OperationsPerInvoke = TranslateWorkload.Length)]
    public ulong FloorPort()
    {
        _floor.TranslateBatch(TranslateWorkload.Sid, _iovas, 1, _outputs);
        ulong sum = 0;
        foreach (ulong output in _outputs)
        {
            sum += output;
        }

        return sum;
    }

    /// <summary>The per-request path: <see cref="RemappingUnit.Translate"/> once per address.</summary>
    [Benchmark(OperationsPerInvoke = TranslateWorkload.Length)]
    public ulong Translate()
    {
        ulong sum = 0;
        foreach (ulong iova in _iovas)
        {
            sum += _unit.Translate(DmaRequest.Read(TranslateWorkload.Sid, iova)).OutputAddress;
        }

        return sum;
    }

    /// <summary>The batch path: one <see cref="DmaPort.Translate(ReadOnlySpan{ulong}, DmaAccess, Span{TranslationResult})"/> for all addresses.</summary>
    [Benchmark(OperationsPerInvoke = TranslateWorkload.Length)]
    public ulong Port()
    {
        _port.Translate(_iovas, DmaAccess.Read, _results);
        ulong sum = 0;
        foreach (ref readonly TranslationResult result in _results.AsSpan())
        {
            sum += result.OutputAddress;
        }

        return sum;
    }
}
