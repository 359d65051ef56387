using CsCheck;
using VtdEmu.Workloads.Scenarios;
using VtdEmu.Workloads.Traces;

namespace VtdEmu.Workloads.Tests.Scenarios;

public sealed partial class ScenarioParserTests
{
    public static TheoryData<string, string> BadLines => new()
    {
        // Keywords and order.
        { "mmio-raed32 0x0", "t.scenario:1: unknown keyword 'mmio-raed32': expected a directive (preset, cap, ecap, ram, device, platform-dmar, caches, iotlb, iotlb-large, context-cache, pasid-cache, psc, iec) or a command (mmio-read32, mmio-read64, mmio-write32, mmio-write64, mem-read32, mem-read64, mem-read, mem-write32, mem-write64, mem-fill, dma-read, dma-write, msi, ats-translate, unit, page-request, page-response)" },
        { "mmio-read32 0x0\nram 0 0x1000", "t.scenario:2: directive 'ram' must come before the first command" },
        { "mmio-read32 0\npreset qemu", "t.scenario:2: directive 'preset' must come before the first command" },

        // Directives.
        { "preset", "t.scenario:1: preset: expected 'preset NAME', found 0 operands" },
        { "preset QEMU", "t.scenario:1: preset: expected a name of lower-case letters, digits, '-', '_' or '.', found 'QEMU'" },
        { "preset qemu\npreset qemu", "t.scenario:2: preset: given twice (first at t.scenario:1)" },
        { "cap", "t.scenario:1: cap: expected 'cap VALUE', found 0 operands" },
        { "cap 0xq", "t.scenario:1: cap VALUE: expected a number (0x-prefixed hex or decimal), found '0xq'" },
        { "ecap 1\necap 2", "t.scenario:2: ecap: given twice (first at t.scenario:1)" },
        { "cap 1 == 1", "t.scenario:1: directive 'cap' takes no assertion" },
        { "ram 0", "t.scenario:1: ram: expected 'ram BASE SIZE', found 1 operand" },
        { "ram 0x800 0x1000", "t.scenario:1: ram: BASE and SIZE must be multiples of 4 KiB and SIZE must not be 0" },
        { "ram 0 0", "t.scenario:1: ram: BASE and SIZE must be multiples of 4 KiB and SIZE must not be 0" },
        { "ram 0xF_FFFF_FFFF_F000 0x2000", "t.scenario:1: ram: [0xffffffffff000, 0x10000000001000) lies beyond the 52-bit guest physical address space" },
        { "ram 0xFFFF_FFFF_FFFF_F000 0x2000", "t.scenario:1: ram: [0xfffffffffffff000, 0xffffffffffffffff) lies beyond the 52-bit guest physical address space" },
        { "ram 0 0x2000\nram 0x1000 0x1000", "t.scenario:2: ram: [0x1000, 0x2000) overlaps [0x0, 0x2000)" },
        { "device 0:3", "t.scenario:1: device BDF: expected bb:dd.f (hex bus 00-ff, device 00-1f, function 0-7), found '0:3'" },
        { "device 00:20.0", "t.scenario:1: device BDF: expected bb:dd.f (hex bus 00-ff, device 00-1f, function 0-7), found '00:20.0'" },
        { "device 00:03.8", "t.scenario:1: device BDF: expected bb:dd.f (hex bus 00-ff, device 00-1f, function 0-7), found '00:03.8'" },
        { "device 00:03.0\ndevice 0:3.0", "t.scenario:2: device: 00:03.0 declared twice (first at t.scenario:1)" },
        { "iotlb", "t.scenario:1: iotlb: expected at least one of entries=N, ways=N, policy=lru|plru|random|flush" },
        { "iotlb size=4", "t.scenario:1: iotlb: expected entries=N, ways=N or policy=lru|plru|random|flush, found 'size=4'" },
        { "iotlb entries=4 entries=8", "t.scenario:1: iotlb: 'entries' given twice" },
        { "iotlb policy=fifo", "t.scenario:1: iotlb policy: expected lru, plru, random or flush, found 'fifo'" },
        { "iotlb ways=0", "t.scenario:1: iotlb ways: expected 1 to 1048576, found 0" },
        { "iotlb entries=2097152 ways=1", "t.scenario:1: iotlb entries: expected 0 to 1048576, found 2097152" },
        { "context-cache ways=x", "t.scenario:1: context-cache ways: expected a number (0x-prefixed hex or decimal), found 'x'" },
        { "iotlb entries=12 ways=8", "t.scenario:1: iotlb: entries=12 is not a multiple of ways=8" },
        { "psc entries=4 ways=8", "t.scenario:1: psc: entries=4 is not a multiple of ways=8" },
        { "iotlb entries=24 ways=8", "t.scenario:1: iotlb: entries=24 / ways=8 is not a power-of-two set count" },
        { "pasid-cache entries=12 ways=12 policy=plru", "t.scenario:1: pasid-cache: policy=plru needs a power-of-two way count, found ways=12" },
        { "iotlb entries=12", "t.scenario:1: iotlb: entries=12 / ways=4 is not a power-of-two set count" },
        { "iotlb ways=2\niotlb ways=4", "t.scenario:2: iotlb: given twice (first at t.scenario:1)" },
        { "caches", "t.scenario:1: caches: expected 'caches off', found 0 operands" },
        { "caches on", "t.scenario:1: caches: expected 'off', found 'on'" },
        { "caches off\niotlb entries=8", "t.scenario:2: iotlb: cannot be combined with caches (at t.scenario:1)" },
        { "psc entries=8\ncaches off", "t.scenario:2: caches: cannot be combined with a cache directive (at t.scenario:1)" },

        // Command operands.
        { "mmio-read32", "t.scenario:1: mmio-read32: expected 'mmio-read32 OFF', found 0 operands" },
        { "mmio-read32 Gsts", "t.scenario:1: mmio-read32 OFF: unknown register 'Gsts': expected a register name as the spec prints it (GSTS, RTADDR, IQT, ...) or an offset, a number (0x-prefixed hex or decimal)" },
        { "mmio-read32 GSTS_REG", "t.scenario:1: mmio-read32 OFF: unknown register 'GSTS_REG': expected a register name as the spec prints it (GSTS, RTADDR, IQT, ...) or an offset, a number (0x-prefixed hex or decimal)" },
        { "mmio-read32 CAP+0x1000", "t.scenario:1: mmio-read32 OFF: 0x1000 does not fit in 12 bits" },
        { "device 00:03.0\ndma-read 00:03.0 0 4 == fault readdenied", "t.scenario:2: dma-read == fault XX: expected a fault reason code 01-ff in hex or a reason name such as ReadDenied, found 'readdenied'" },
        { "device 00:03.0\ndma-read 00:03.0 0 4 == fault None", "t.scenario:2: dma-read == fault XX: expected a fault reason code 01-ff in hex or a reason name such as ReadDenied, found 'None'" },
        { "mmio-read32 0 4", "t.scenario:1: mmio-read32: expected 'mmio-read32 OFF', found 2 operands" },
        { "mmio-write32 0x18", "t.scenario:1: mmio-write32: expected 'mmio-write32 OFF VALUE', found 1 operand" },
        { "mmio-write32 0x18 0x1_0000_0000", "t.scenario:1: mmio-write32 VALUE: 0x1_0000_0000 does not fit in 32 bits" },
        { "mem-write32 0x0 4294967296", "t.scenario:1: mem-write32 VALUE: 4294967296 does not fit in 32 bits" },
        { "mem-read64 0xfoo", "t.scenario:1: mem-read64 ADDR: expected a number (0x-prefixed hex or decimal), found '0xfoo'" },
        { "mem-read 0x0 0", "t.scenario:1: mem-read LEN: expected 1 to 0x1000, found 0" },
        { "mem-read 0x0 0x1001", "t.scenario:1: mem-read LEN: expected 1 to 0x1000, found 0x1001" },
        { "mem-fill 0x0 16 0x100", "t.scenario:1: mem-fill BYTE: 0x100 does not fit in 8 bits" },
        { "mem-fill 0x0 0 1", "t.scenario:1: mem-fill LEN: expected 1 to 2^64-1, found 0" },
        { "dma-read 00:03.0 0x0 4", "t.scenario:1: dma-read BDF: device 00:03.0 is not declared (add 'device 00:03.0' before the first command)" },
        { "device 00:03.0\ndma-read 00:3.0 0x0 0x100001", "t.scenario:2: dma-read LEN: expected 0 to 0x100000, found 0x100001" },
        { "device 00:03.0\ndma-write 00:03.0 0x0 4", "t.scenario:2: dma-write: expected 'dma-write BDF IOVA LEN BYTE [pasid=N [priv] [exec]] [translated]', found 3 operands" },
        { "device 00:03.0\ndma-read 00:03.0 0x0 4 pasid=0x100000", "t.scenario:2: dma-read pasid=N: 0x100000 does not fit in 20 bits" },
        { "device 00:03.0\ndma-read 00:03.0 0x0 4 priv", "t.scenario:2: dma-read: priv and exec are attributes of the PASID prefix: add pasid=N" },
        { "device 00:03.0\ndma-read 00:03.0 0x0 4 pasid=1 pasid=2", "t.scenario:2: dma-read: 'pasid=2' given twice" },
        { "device 00:03.0\ndma-read 00:03.0 0x0 4 pasid=1 user", "t.scenario:2: dma-read: unexpected 'user' after the operands: expected [pasid=N [priv] [exec]] [translated], or '==' and the expected outcome" },
        { "dma-read 3 0x0 4", "t.scenario:1: dma-read BDF: expected bb:dd.f (hex bus 00-ff, device 00-1f, function 0-7), found '3'" },

        // Assertions.
        { "mmio-write32 0x18 0 == 0", "t.scenario:1: mmio-write32 prints no result, so it takes no assertion" },
        { "mem-fill 0 1 0 == 0", "t.scenario:1: mem-fill prints no result, so it takes no assertion" },
        { "mmio-read32 0x1c ==", "t.scenario:1: mmio-read32: expected '== VALUE' or '& MASK == VALUE' after the operands, found '=='" },
        { "mmio-read32 0x1c == 1 2", "t.scenario:1: mmio-read32: expected '== VALUE' or '& MASK == VALUE' after the operands, found '== 1 2'" },
        { "mmio-read32 0x1c & 0xff", "t.scenario:1: mmio-read32: expected '== VALUE' or '& MASK == VALUE' after the operands, found '& 0xff'" },
        { "mmio-read32 0x1c == c0000000", "t.scenario:1: mmio-read32 == VALUE: expected a number (0x-prefixed hex or decimal), found 'c0000000'" },
        { "mmio-read32 0x1c == 0x1_0000_0000", "t.scenario:1: mmio-read32 == VALUE: 0x1_0000_0000 does not fit in 32 bits" },
        { "mmio-read32 0x1c & 0x1_0000_0000 == 0", "t.scenario:1: mmio-read32 & MASK: 0x1_0000_0000 does not fit in 32 bits" },
        { "mmio-read64 0x8 & 0xff == 0x100", "t.scenario:1: mmio-read64: VALUE 0x100 has bits outside MASK 0xff, so the assertion can never hold" },
        { "mem-read 0x0 2 == 0x01", "t.scenario:1: mem-read == HEXBYTES: expected 2 bytes as 4 hex digits, found '0x01'" },
        { "mem-read 0x0 2 == 0x01zz", "t.scenario:1: mem-read == HEXBYTES: expected 2 bytes as 4 hex digits, found '0x01zz'" },
        { "mem-read 0x0 2 & 0xff == 0x0102", "t.scenario:1: mem-read: expected '== HEXBYTES' (2 hex digits per byte, in address order) after the operands, found '& 0xff == 0x0102'" },
        { "device 00:03.0\ndma-read 00:03.0 0 4 == okay", "t.scenario:2: dma-read: expected '== ok', '== fault XX', '== abort' or '== ur' after the operands, found '== okay'" },
        { "device 00:03.0\ndma-read 00:03.0 0 4 == fault 00", "t.scenario:2: dma-read == fault XX: expected a fault reason code 01-ff in hex or a reason name such as ReadDenied, found '00'" },
        { "device 00:03.0\ndma-read 00:03.0 0 4 == fault 100", "t.scenario:2: dma-read == fault XX: expected a fault reason code 01-ff in hex or a reason name such as ReadDenied, found '100'" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void Parse_BadLine_ReportsFileLineAndWhatWasExpected(string text, string expected)
    {
        ScenarioParseResult result = ScenarioParser.Parse(File, text);

        Assert.False(result.Succeeded);
        Assert.Equal(expected, Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_SeveralBadLines_ReportsEveryOneInOrder()
    {
        ScenarioParseResult result = ScenarioParser.Parse(File, "cap x\nmmio-read32\nmmio-read32 0x0\nmem-read 0 0\n");

        Assert.Equal([1, 2, 4], result.Errors.Select(e => e.Location.Line));
    }

    [Fact]
    public void ParseFile_MissingFile_IsAnErrorNotAnException()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vtdemu-missing-{Guid.NewGuid():n}.scenario");

        ScenarioParseResult result = ScenarioParser.ParseFile(path);

        ScenarioError error = Assert.Single(result.Errors);
        Assert.Equal(new SourceLocation(path, 0), error.Location);
        Assert.StartsWith($"{path}: cannot read the scenario: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RandomText_NeverThrows()
    {
        Gen.String.Sample(text => ScenarioParser.Parse(File, text));
        Gen.Select(Gen.OneOf("mmio-read32", "dma-read", "mem-read", "iotlb", "ram", "cap"), Gen.String)
            .Sample((keyword, rest) => ScenarioParser.Parse(File, "device 00:03.0\n" + keyword + " " + rest));
        Gen.Select(Gen.OneOf("msi 00:03.0 0xfee00000 0 ==", "ats-translate 00:03.0", "page-request 00:03.0 0", "page-response 00:03.0", "unit", "device 00:04.0", "iec", "dma-read 00:03.0 0 4"), Gen.String)
            .Sample((prefix, rest) => ScenarioParser.Parse(File, "device 00:03.0 ats pri\n" + prefix + " " + rest));
        Gen.Select(Gen.OneOf("delivered", "posted", "fault", "translated", "no-access", "ur", "queued", "none"), Gen.String.Array[0, 4])
            .Sample((head, words) => ScenarioOutcomeWords.TryNormalize([head, .. words], ScenarioOutcomeWords.Msi, out _));
    }
}
